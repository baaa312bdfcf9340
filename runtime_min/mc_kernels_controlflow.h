// mc_kernels_controlflow.h - runtime_min: library kernels for recurrent cells and control-flow
// helpers.
//
// See mc_kernels.h for the calling convention shared by every kernel.
#pragma once

#include "mc_kernels_common.h"

namespace mc {

/// ONNX RNN gate functions by code (see graph.recurrent).
template <typename V> MC_HD V rnn_activation(int64_t code, V x, double alpha, double beta) {
  const V a = static_cast<V>(alpha), b = static_cast<V>(beta);
  switch (code) {
  case 0: // Relu
    return x > 0 ? x : V(0);
  case 1: // Tanh
    return tanh_(x);
  case 2: // Sigmoid
    return V(1) / (V(1) + exp_(-x));
  case 3: // Affine
    return a * x + b;
  case 4: // LeakyRelu
    return x < 0 ? a * x : x;
  case 5: // ThresholdedRelu
    return x > a ? x : V(0);
  case 6: // ScaledTanh
    return a * tanh_(b * x);
  case 7: { // HardSigmoid
    const V v = a * x + b;
    return v < 0 ? V(0) : v > 1 ? V(1) : v;
  }
  case 8: // Elu
    return x < 0 ? a * (exp_(x) - V(1)) : x;
  case 9: // Softsign
    return x / (V(1) + fabs_(x));
  default: // 10: Softplus
    return log_(V(1) + exp_(x));
  }
}

/// RNN (Kind 0), GRU (1) and LSTM (2) over a Seq x Batch x In sequence, ONNX semantics
/// (gate order i, o, f, c for LSTM and z, r, h for GRU; biases Wb then Rb). One task runs
/// direction task / Batch for batch entry task % Batch over its sequence length; steps past
/// it leave zeros in Y. Scratch row: h, c, new h, then the gate pre-activations.
template <typename TX, typename TW, typename TR, typename TB, typename TL, typename TH, typename TC,
          typename TP, typename TY, typename TYH, typename TYC, typename TS, int64_t Kind,
          int64_t Seq, int64_t Batch, int64_t In, int64_t Hidden, int64_t Dir,
          int64_t LinearBeforeReset, int64_t InputForget, int64_t HasClip, int64_t A0, int64_t A1,
          int64_t A2, int64_t A3, int64_t A4, int64_t A5>
MC_HD bool recurrent(const st<TX> *x, const st<TW> *w, const st<TR> *r, const st<TB> *bias,
                     const st<TL> *lens, const st<TH> *h0, const st<TC> *c0, const st<TP> *peep,
                     st<TY> *y, st<TYH> *yh, st<TYC> *yc, st<TS> *scratch, double clip, double al0,
                     double be0, double al1, double be1, double al2, double be2, double al3,
                     double be3, double al4, double be4, double al5, double be5, int64_t task) {
  using V = ct<TS>;
  constexpr int64_t Gates = Kind == 0 ? 1 : Kind == 1 ? 3 : 4;
  constexpr int64_t Dirs = Dir == 2 ? 2 : 1, Funcs = Kind == 0 ? 1 : Kind == 1 ? 2 : 3;
  const int64_t d = task / Batch, b = task % Batch;
  const bool reverse = Dir == 1 || (Dir == 2 && d == 1);
  const int64_t codes[6] = {A0, A1, A2, A3, A4, A5};
  const double alphas[6] = {al0, al1, al2, al3, al4, al5};
  const double betas[6] = {be0, be1, be2, be3, be4, be5};
  auto act = [&](int64_t k, V v) {
    const int64_t i = d * Funcs + k;
    return rnn_activation<V>(codes[i], v, alphas[i], betas[i]);
  };
  auto clipped = [&](V v) {
    if (!HasClip)
      return v;
    const V c = static_cast<V>(clip);
    return v < -c ? -c : v > c ? c : v;
  };
  st<TS> *row = scratch + task * (Gates + 3) * Hidden;
  V *h = reinterpret_cast<V *>(row), *c = h + Hidden, *hn = c + Hidden, *g = hn + Hidden;
  int64_t len = static_cast<int64_t>(ld<TL>(lens[b]));
  if (len < 0 || len > Seq)
    return false;
  for (int64_t j = 0; j < Hidden; ++j) {
    h[j] = static_cast<V>(ld<TH>(h0[(d * Batch + b) * Hidden + j]));
    c[j] = static_cast<V>(ld<TC>(c0[(d * Batch + b) * Hidden + j]));
  }
  for (int64_t t = 0; t < Seq; ++t)
    for (int64_t j = 0; j < Hidden; ++j)
      y[((t * Dirs + d) * Batch + b) * Hidden + j] = sv<TY>(V(0));
  const st<TW> *wd = w + d * Gates * Hidden * In;
  const st<TR> *rd = r + d * Gates * Hidden * Hidden;
  const st<TB> *wb = bias + d * 2 * Gates * Hidden, *rb = wb + Gates * Hidden;
  const st<TP> *pd = peep + d * 3 * Hidden;
  for (int64_t step = 0; step < len; ++step) {
    const int64_t t = reverse ? len - 1 - step : step;
    const st<TX> *xt = x + (t * Batch + b) * In;
    // g[q] = x W_q^T + Wb_q (+ h R_q^T + Rb_q, except GRU's h gate, done below).
    for (int64_t q = 0; q < Gates * Hidden; ++q) {
      V acc = static_cast<V>(ld<TB>(wb[q]));
      for (int64_t k = 0; k < In; ++k)
        acc += static_cast<V>(ld<TX>(xt[k])) * static_cast<V>(ld<TW>(wd[q * In + k]));
      const bool gruHidden = Kind == 1 && q >= 2 * Hidden;
      if (!gruHidden) {
        acc += static_cast<V>(ld<TB>(rb[q]));
        for (int64_t k = 0; k < Hidden; ++k)
          acc += h[k] * static_cast<V>(ld<TR>(rd[q * Hidden + k]));
      }
      g[q] = acc;
    }
    for (int64_t j = 0; j < Hidden; ++j) {
      if (Kind == 0) {
        hn[j] = act(0, clipped(g[j]));
      } else if (Kind == 1) {
        const V z = act(0, clipped(g[j])), rr = act(0, clipped(g[Hidden + j]));
        const int64_t q = 2 * Hidden + j;
        V rec = 0;
        for (int64_t k = 0; k < Hidden; ++k)
          rec +=
              (LinearBeforeReset ? h[k] : rr * h[k]) * static_cast<V>(ld<TR>(rd[q * Hidden + k]));
        // Rb_h is added before the reset gate scales the recurrence (linear_before_reset) or
        // after r * h went through R_h.
        const V rbh = static_cast<V>(ld<TB>(rb[q]));
        const V pre = g[q] + (LinearBeforeReset ? rr * (rec + rbh) : rec + rbh);
        const V hh = act(1, clipped(pre));
        hn[j] = (V(1) - z) * hh + z * h[j];
      } else {
        const V pi = static_cast<V>(ld<TP>(pd[j])), po = static_cast<V>(ld<TP>(pd[Hidden + j]));
        const V pf = static_cast<V>(ld<TP>(pd[2 * Hidden + j]));
        const V i = act(0, clipped(g[j] + pi * c[j]));
        const V f = InputForget ? V(1) - i : act(0, clipped(g[2 * Hidden + j] + pf * c[j]));
        const V cc = act(1, clipped(g[3 * Hidden + j]));
        const V cn = f * c[j] + i * cc;
        const V o = act(0, clipped(g[Hidden + j] + po * cn));
        c[j] = cn;
        hn[j] = o * act(2, cn);
      }
    }
    for (int64_t j = 0; j < Hidden; ++j) {
      h[j] = hn[j];
      y[((t * Dirs + d) * Batch + b) * Hidden + j] = sv<TY>(h[j]);
    }
  }
  for (int64_t j = 0; j < Hidden; ++j) {
    yh[(d * Batch + b) * Hidden + j] = sv<TYH>(h[j]);
    yc[(d * Batch + b) * Hidden + j] = sv<TYC>(Kind == 2 ? c[j] : V(0));
  }
  return true;
}

} // namespace mc
