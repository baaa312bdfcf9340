// mc_kernels_tensor.h - runtime_min: library kernels for data movement and indexing.
//
// See mc_kernels.h for the calling convention shared by every kernel. Most kernels here are
// index maps run as one task per output element: the task index is decomposed over the
// output extents (template constants, so the divisions are by constants) and mapped to the
// element to read. Per-dimension lists (extents, strides, pads) arrive as one trailing
// parameter pack, `Rank` entries per list. Scatters run one task per disjoint part of the
// output and apply their updates in order, so duplicate indices are deterministic.
//
// NonZero, Compress, Unique and NonMaxSuppression produce data-dependent sizes: a single task
// writes the values into the first elements of an upper-bound buffer (row-major in the
// actual shape) and the actual extents into an int64 shape buffer (docs/Runtime.md).
#pragma once

#include "mc_kernels_common.h"

namespace mc {

/// Reduction applied by the scatters: none, add, mul, max, min (codes of the lowering).
template <typename T, int64_t Red> MC_HD st<T> combine(st<T> old, st<T> update) {
  if constexpr (Red == 0) {
    return update;
  } else {
    const ct<T> a = ld<T>(old), b = ld<T>(update);
    if constexpr (Red == 1)
      return sv<T>(a + b);
    else if constexpr (Red == 2)
      return sv<T>(a * b);
    else if constexpr (Red == 3)
      return sv<T>(a > b ? a : b);
    else
      return sv<T>(a < b ? a : b);
  }
}

/// In-place heap sort of a[0, n) such that before(a[i], a[j]) holds for i < j where the
/// order is strict (no recursion, no allocation: usable in device code).
template <typename Before> MC_HD void heap_sort(int64_t *a, int64_t n, Before before) {
  auto sift = [&](int64_t root, int64_t end) {
    for (;;) {
      int64_t child = 2 * root + 1;
      if (child >= end)
        return;
      if (child + 1 < end && before(a[child], a[child + 1]))
        ++child;
      if (!before(a[root], a[child]))
        return;
      const int64_t t = a[root];
      a[root] = a[child];
      a[child] = t;
      root = child;
    }
  };
  for (int64_t start = n / 2 - 1; start >= 0; --start)
    sift(start, n);
  for (int64_t end = n - 1; end > 0; --end) {
    const int64_t t = a[0];
    a[0] = a[end];
    a[end] = t;
    sift(0, end);
  }
}

/// Slice: y[task] = x[Offset + sum_d i_d * stride_d] for the output multi-index i.
/// P = output extents[Rank], input strides (already multiplied by the steps)[Rank].
template <typename TX, typename TY, int64_t Rank, int64_t Offset, int64_t... P>
MC_HD bool strided_copy(const st<TX> *x, st<TY> *y, int64_t task) {
  constexpr int64_t p[] = {P..., 0};
  int64_t rest = task, src = Offset;
  for (int64_t d = Rank - 1; d >= 0; --d) {
    src += (rest % p[d]) * p[Rank + d];
    rest /= p[d];
  }
  y[task] = x[src];
  return true;
}

/// Tile: output index i reads input index i mod extent, per dimension.
/// P = output extents[Rank], input extents[Rank].
template <typename TX, typename TY, int64_t Rank, int64_t... P>
MC_HD bool tile(const st<TX> *x, st<TY> *y, int64_t task) {
  constexpr int64_t p[] = {P..., 0};
  int64_t rest = task, src = 0, stride = 1;
  for (int64_t d = Rank - 1; d >= 0; --d) {
    src += ((rest % p[d]) % p[Rank + d]) * stride;
    rest /= p[d];
    stride *= p[Rank + d];
  }
  y[task] = x[src];
  return true;
}

/// Pad. Mode 0 (constant) writes v[0] outside the input; 1 (edge) clamps, 2 (reflect)
/// mirrors without repeating the edge, 3 (wrap) wraps around. Negative pads crop.
/// P = output extents[Rank], input extents[Rank], begin pads[Rank].
template <typename TX, typename TV, typename TY, int64_t Rank, int64_t Mode, int64_t... P>
MC_HD bool pad(const st<TX> *x, const st<TV> *v, st<TY> *y, int64_t task) {
  constexpr int64_t p[] = {P..., 0};
  int64_t rest = task, src = 0, stride = 1;
  for (int64_t d = Rank - 1; d >= 0; --d) {
    const int64_t n = p[Rank + d];
    int64_t i = rest % p[d] - p[2 * Rank + d];
    rest /= p[d];
    if (i < 0 || i >= n) {
      if constexpr (Mode == 0) {
        y[task] = v[0];
        return true;
      } else if constexpr (Mode == 1) {
        i = i < 0 ? 0 : n - 1;
      } else if constexpr (Mode == 2) {
        const int64_t period = 2 * (n - 1);
        if (period == 0) {
          i = 0;
        } else {
          i %= period;
          if (i < 0)
            i += period;
          if (i >= n)
            i = period - i;
        }
      } else {
        i %= n;
        if (i < 0)
          i += n;
      }
    }
    src += i * stride;
    stride *= n;
  }
  y[task] = x[src];
  return true;
}

/// Trilu over [..., Rows, Cols]: keeps j - i >= k[0] (Upper) or j - i <= k[0], else zero.
template <typename TX, typename TK, typename TY, int64_t Rows, int64_t Cols, int64_t Upper>
MC_HD bool trilu(const st<TX> *x, const st<TK> *k, st<TY> *y, int64_t task) {
  constexpr int64_t rows = Rows > 0 ? Rows : 1, cols = Cols > 0 ? Cols : 1;
  const int64_t j = task % cols, i = (task / cols) % rows, kk = static_cast<int64_t>(k[0]);
  const bool keep = Upper ? j - i >= kk : j - i <= kk;
  y[task] = keep ? x[task] : sv<TY>(0);
  return true;
}

/// GatherElements: the output (indices) multi-index with coordinate Axis replaced by the
/// index read at the same position. P = output extents[Rank], data extents[Rank].
template <typename TD, typename TI, typename TY, int64_t Rank, int64_t Axis, int64_t... P>
MC_HD bool gather_elements(const st<TD> *data, const st<TI> *idx, st<TY> *y, int64_t task) {
  constexpr int64_t p[] = {P..., 0};
  int64_t rest = task, src = 0, stride = 1;
  for (int64_t d = Rank - 1; d >= 0; --d) {
    int64_t i = rest % p[d];
    rest /= p[d];
    const int64_t n = p[Rank + d];
    if (d == Axis) {
      i = static_cast<int64_t>(idx[task]);
      if (i < 0)
        i += n;
      if (i < 0 || i >= n)
        return false;
    }
    src += i * stride;
    stride *= n;
  }
  y[task] = data[src];
  return true;
}

/// GatherND: tuple t of Q indices (Tuples per batch entry) selects a slice of Inner
/// elements. Dims = the data extents the tuples address[Q].
template <typename TD, typename TI, typename TY, int64_t Q, int64_t Batch, int64_t Tuples,
          int64_t Inner, int64_t... Dims>
MC_HD bool gather_nd(const st<TD> *data, const st<TI> *idx, st<TY> *y, int64_t task) {
  constexpr int64_t dims[] = {Dims..., 0};
  constexpr int64_t inner = Inner > 0 ? Inner : 1, tuples = Tuples > 0 ? Tuples : 1;
  const int64_t s = task % inner, t = task / inner, b = t / tuples;
  int64_t off = 0, block = 1;
  for (int64_t j = 0; j < Q; ++j) {
    int64_t i = static_cast<int64_t>(idx[t * Q + j]);
    if (i < 0)
      i += dims[j];
    if (i < 0 || i >= dims[j])
      return false;
    off = off * dims[j] + i;
    block *= dims[j];
  }
  y[task] = data[(b * block + off) * inner + s];
  return true;
}

/// ScatterElements: task = one line of the data along Axis (the other coordinates); it
/// copies the line, then applies the updates that share those coordinates, in order.
/// P = data extents[Rank], indices extents[Rank].
template <typename TD, typename TI, typename TU, typename TY, int64_t Rank, int64_t Axis,
          int64_t Red, int64_t... P>
MC_HD bool scatter_elements(const st<TD> *data, const st<TI> *idx, const st<TU> *upd, st<TY> *y,
                            int64_t task) {
  constexpr int64_t p[] = {P..., 0};
  int64_t rest = task, base = 0, ibase = 0, dstride = 1, istride = 1, daxis = 1, iaxis = 1;
  bool updated = true;
  for (int64_t d = Rank - 1; d >= 0; --d) {
    if (d == Axis) {
      daxis = dstride;
      iaxis = istride;
    } else {
      const int64_t c = rest % p[d];
      rest /= p[d];
      base += c * dstride;
      if (c < p[Rank + d])
        ibase += c * istride;
      else
        updated = false;
    }
    dstride *= p[d];
    istride *= p[Rank + d];
  }
  const int64_t len = p[Axis];
  for (int64_t a = 0; a < len; ++a)
    y[base + a * daxis] = data[base + a * daxis];
  if (!updated)
    return true;
  for (int64_t j = 0; j < p[Rank + Axis]; ++j) {
    int64_t k = static_cast<int64_t>(idx[ibase + j * iaxis]);
    if (k < 0)
      k += len;
    if (k < 0 || k >= len)
      return false;
    st<TY> &dst = y[base + k * daxis];
    dst = combine<TY, Red>(dst, upd[ibase + j * iaxis]);
  }
  return true;
}

/// ScatterND: task = one position s within the slices of Inner elements; it copies that
/// position of every slice, then applies the Tuples updates in order. Dims = the data
/// extents the tuples address[Q].
template <typename TD, typename TI, typename TU, typename TY, int64_t Red, int64_t Tuples,
          int64_t Q, int64_t Inner, int64_t... Dims>
MC_HD bool scatter_nd(const st<TD> *data, const st<TI> *idx, const st<TU> *upd, st<TY> *y,
                      int64_t task) {
  constexpr int64_t dims[] = {Dims..., 0};
  int64_t prefix = 1;
  for (int64_t j = 0; j < Q; ++j)
    prefix *= dims[j];
  for (int64_t p = 0; p < prefix; ++p)
    y[p * Inner + task] = data[p * Inner + task];
  for (int64_t t = 0; t < Tuples; ++t) {
    int64_t off = 0;
    for (int64_t j = 0; j < Q; ++j) {
      int64_t i = static_cast<int64_t>(idx[t * Q + j]);
      if (i < 0)
        i += dims[j];
      if (i < 0 || i >= dims[j])
        return false;
      off = off * dims[j] + i;
    }
    st<TY> &dst = y[off * Inner + task];
    dst = combine<TY, Red>(dst, upd[t * Inner + task]);
  }
  return true;
}

/// TensorScatter over [Pre, M, Inner] (Pre covers Batch entries of dimension 0): position s
/// of the axis takes update element s - w (mod M when Circular), w = write_indices[batch],
/// when that lies in [0, S); otherwise the past value.
template <typename TP, typename TU, typename TI, typename TY, int64_t Circular, int64_t Batch,
          int64_t Pre, int64_t M, int64_t S, int64_t Inner>
MC_HD bool tensor_scatter(const st<TP> *past, const st<TU> *upd, const st<TI> *wi, st<TY> *y,
                          int64_t task) {
  constexpr int64_t inner = Inner > 0 ? Inner : 1, m = M > 0 ? M : 1;
  constexpr int64_t perBatch = Batch > 0 && Pre / Batch > 0 ? Pre / Batch : 1;
  const int64_t in = task % inner, rest = task / inner, s = rest % m, pre = rest / m;
  const int64_t w = static_cast<int64_t>(wi[pre / perBatch]);
  int64_t j = s - w;
  if (Circular) {
    j %= m;
    if (j < 0)
      j += m;
  } else if (w < 0 || w + S > M) {
    return false;
  }
  y[task] = j >= 0 && j < S ? upd[(pre * S + j) * inner + in] : past[task];
  return true;
}

/// OneHot over the output [Outer, Depth, Inner]: values[1] where the index at (outer,
/// inner) equals the depth position (negative indices count from Depth), else values[0].
template <typename TI, typename TV, typename TY, int64_t Outer, int64_t Depth, int64_t Inner>
MC_HD bool one_hot(const st<TI> *idx, const st<TV> *v, st<TY> *y, int64_t task) {
  constexpr int64_t inner = Inner > 0 ? Inner : 1, depth = Depth > 0 ? Depth : 1;
  const int64_t i = task % inner, d = (task / inner) % depth, o = task / (inner * depth);
  int64_t k = static_cast<int64_t>(ld<TI>(idx[o * Inner + i]));
  if (k < 0)
    k += Depth;
  y[task] = k == d ? v[1] : v[0];
  return true;
}

/// ReverseSequence over [D0, D1, Inner] with the batch axis BatchAxis (0 or 1) and the time
/// axis the other one: the first lens[b] time steps are reversed.
template <typename TX, typename TL, typename TY, int64_t BatchAxis, int64_t D0, int64_t D1,
          int64_t Inner>
MC_HD bool reverse_sequence(const st<TX> *x, const st<TL> *lens, st<TY> *y, int64_t task) {
  constexpr int64_t inner = Inner > 0 ? Inner : 1, d1 = D1 > 0 ? D1 : 1;
  constexpr int64_t steps = BatchAxis == 0 ? D1 : D0;
  const int64_t r = task % inner, i1 = (task / inner) % d1, i0 = task / (inner * d1);
  const int64_t b = BatchAxis == 0 ? i0 : i1, t = BatchAxis == 0 ? i1 : i0;
  const int64_t len = static_cast<int64_t>(lens[b]);
  if (len < 0 || len > steps)
    return false;
  const int64_t from = t < len ? len - 1 - t : t;
  y[task] = x[BatchAxis == 0 ? (i0 * D1 + from) * Inner + r : (from * D1 + i1) * Inner + r];
  return true;
}

//===----------------------------------------------------------------------===//
// Text
//===----------------------------------------------------------------------===//

/// TfIdfVectorizer: task = one row of L tokens, written to C outputs. `grams` is G x W
/// int64 rows [length n (0: unused), output index, n tokens]; an n-gram with n >= 2 is
/// matched with its tokens Skip + 1 apart for each Skip in [0, MaxSkip], a unigram once.
/// The counts are then weighted by Mode: 0 (TF) count, 1 (IDF) w[c] if the count is
/// nonzero, 2 (TFIDF) w[c] * count.
template <typename TX, typename TG, typename TW, typename TY, int64_t L, int64_t G, int64_t W,
          int64_t MaxSkip, int64_t C, int64_t Mode>
MC_HD bool tfidf_vectorizer(const st<TX> *x, const st<TG> *grams, const st<TW> *w, st<TY> *y,
                            int64_t task) {
  const st<TX> *row = x + task * L;
  st<TY> *out = y + task * C;
  for (int64_t c = 0; c < C; ++c)
    out[c] = sv<TY>(0);
  for (int64_t g = 0; g < G; ++g) {
    const st<TG> *gram = grams + g * W;
    const int64_t len = static_cast<int64_t>(gram[0]), o = static_cast<int64_t>(gram[1]);
    if (len == 0)
      continue;
    if (len < 0 || len > W - 2 || o < 0 || o >= C)
      return false;
    const int64_t distances = len == 1 ? 1 : MaxSkip + 1;
    int64_t count = 0;
    for (int64_t d = 1; d <= distances; ++d)
      for (int64_t s = 0; s + d * (len - 1) < L; ++s) {
        bool hit = true;
        for (int64_t k = 0; k < len && hit; ++k)
          hit = static_cast<int64_t>(ld<TX>(row[s + k * d])) == static_cast<int64_t>(gram[2 + k]);
        count += hit ? 1 : 0;
      }
    out[o] = sv<TY>(ld<TY>(out[o]) + static_cast<ct<TY>>(count));
  }
  if constexpr (Mode != 0)
    for (int64_t c = 0; c < C; ++c) {
      const ct<TY> f = ld<TY>(out[c]), weight = static_cast<ct<TY>>(ld<TW>(w[c]));
      out[c] = sv<TY>(Mode == 1 ? (f > 0 ? weight : static_cast<ct<TY>>(0)) : weight * f);
    }
  return true;
}

//===----------------------------------------------------------------------===//
// Data-dependent output sizes (one task each)
//===----------------------------------------------------------------------===//

/// NonZero: y is rank x count (row-major), shape = [Rank, count]. Dims = input extents.
template <typename TX, typename TY, typename TS, int64_t Rank, int64_t... Dims>
MC_HD bool nonzero(const st<TX> *x, int64_t *y, int64_t *shape, int64_t) {
  constexpr int64_t dims[] = {Dims..., 0};
  int64_t numel = 1, count = 0;
  for (int64_t d = 0; d < Rank; ++d)
    numel *= dims[d];
  for (int64_t i = 0; i < numel; ++i)
    count += ld<TX>(x[i]) != 0;
  for (int64_t i = 0, j = 0; i < numel; ++i) {
    if (!(ld<TX>(x[i]) != 0))
      continue;
    int64_t rest = i;
    for (int64_t d = Rank - 1; d >= 0; --d) {
      y[d * count + j] = rest % dims[d];
      rest /= dims[d];
    }
    ++j;
  }
  shape[0] = Rank;
  shape[1] = count;
  return true;
}

/// Compress along Axis: the slices whose condition entry (within CondLen) is true, in
/// order. Dims = input extents.
template <typename TX, typename TC, typename TY, typename TS, int64_t Rank, int64_t Axis,
          int64_t CondLen, int64_t... Dims>
MC_HD bool compress(const st<TX> *x, const st<TC> *c, st<TY> *y, int64_t *shape, int64_t) {
  constexpr int64_t dims[] = {Dims..., 0};
  int64_t outer = 1, inner = 1, count = 0;
  for (int64_t d = 0; d < Rank; ++d)
    (d < Axis ? outer : inner) *= d == Axis ? 1 : dims[d];
  const int64_t len = dims[Axis], n = CondLen < len ? CondLen : len;
  for (int64_t a = 0; a < n; ++a)
    count += c[a] ? 1 : 0;
  int64_t at = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t a = 0; a < n; ++a)
      if (c[a])
        for (int64_t i = 0; i < inner; ++i)
          y[at++] = x[(o * len + a) * inner + i];
  for (int64_t d = 0; d < Rank; ++d)
    shape[d] = d == Axis ? count : dims[d];
  return true;
}

/// Unique slices along Axis. scratch holds 2n int64: a permutation sorted by (slice, index),
/// then the first occurrence of each slice's group. Outputs: y (slices of the input, count
/// along Axis), indices (first occurrences), inverse (group of every slice), counts, and
/// the shapes of y, indices and counts. Dims = input extents.
template <typename TX, typename TY, typename, typename, typename, typename, typename, typename,
          typename, int64_t Rank, int64_t Axis, int64_t Sorted, int64_t... Dims>
MC_HD bool unique(const st<TX> *x, st<TY> *y, int64_t *indices, int64_t *inverse, int64_t *counts,
                  int64_t *yshape, int64_t *ishape, int64_t *cshape, int64_t *scratch, int64_t) {
  constexpr int64_t dims[] = {Dims..., 0};
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < Rank; ++d)
    (d < Axis ? outer : inner) *= d == Axis ? 1 : dims[d];
  const int64_t n = dims[Axis];
  int64_t *perm = scratch, *first = scratch + n;
  // Lexicographic comparison of slices a and b (outer index major, as numpy.unique does).
  auto compare = [&](int64_t a, int64_t b) -> int {
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        const ct<TX> va = ld<TX>(x[(o * n + a) * inner + i]);
        const ct<TX> vb = ld<TX>(x[(o * n + b) * inner + i]);
        if (va < vb)
          return -1;
        if (vb < va)
          return 1;
      }
    return 0;
  };
  for (int64_t i = 0; i < n; ++i)
    perm[i] = i;
  heap_sort(perm, n, [&](int64_t a, int64_t b) {
    const int c = compare(a, b);
    return c < 0 || (c == 0 && a < b);
  });
  for (int64_t k = 0, group = 0; k < n; ++k) {
    if (k == 0 || compare(perm[k - 1], perm[k]) != 0)
      group = perm[k];
    first[perm[k]] = group;
  }
  int64_t count = 0;
  if (Sorted) {
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = perm[k];
      if (first[i] == i) {
        indices[count] = i;
        counts[count] = 0;
        ++count;
      }
    }
    // Group ids in sorted order: reuse perm as the id of each first occurrence.
    for (int64_t u = 0; u < count; ++u)
      perm[indices[u]] = u;
  } else {
    for (int64_t i = 0; i < n; ++i)
      if (first[i] == i) {
        indices[count] = i;
        counts[count] = 0;
        perm[i] = count++;
      }
  }
  for (int64_t i = 0; i < n; ++i) {
    const int64_t u = perm[first[i]];
    inverse[i] = u;
    ++counts[u];
  }
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t u = 0; u < count; ++u)
      for (int64_t i = 0; i < inner; ++i)
        y[(o * count + u) * inner + i] = x[(o * n + indices[u]) * inner + i];
  for (int64_t d = 0; d < Rank; ++d)
    yshape[d] = d == Axis ? count : dims[d];
  ishape[0] = count;
  cshape[0] = count;
  return true;
}

/// Whether box b2 suppresses box b1: IoU > threshold, as the ONNX reference computes it.
template <typename T>
MC_HD bool nms_suppress(const st<T> *b1, const st<T> *b2, bool centerBox, ct<T> threshold) {
  ct<T> x1min, x1max, y1min, y1max, x2min, x2max, y2min, y2max;
  auto minmax = [](ct<T> a, ct<T> b, ct<T> &lo, ct<T> &hi) {
    lo = a < b ? a : b;
    hi = a < b ? b : a;
  };
  if (!centerBox) {
    minmax(ld<T>(b1[1]), ld<T>(b1[3]), x1min, x1max);
    minmax(ld<T>(b2[1]), ld<T>(b2[3]), x2min, x2max);
    minmax(ld<T>(b1[0]), ld<T>(b1[2]), y1min, y1max);
    minmax(ld<T>(b2[0]), ld<T>(b2[2]), y2min, y2max);
  } else {
    const ct<T> w1 = ld<T>(b1[2]) / 2, h1 = ld<T>(b1[3]) / 2;
    const ct<T> w2 = ld<T>(b2[2]) / 2, h2 = ld<T>(b2[3]) / 2;
    x1min = ld<T>(b1[0]) - w1;
    x1max = ld<T>(b1[0]) + w1;
    x2min = ld<T>(b2[0]) - w2;
    x2max = ld<T>(b2[0]) + w2;
    y1min = ld<T>(b1[1]) - h1;
    y1max = ld<T>(b1[1]) + h1;
    y2min = ld<T>(b2[1]) - h2;
    y2max = ld<T>(b2[1]) + h2;
  }
  const ct<T> ixmin = x1min > x2min ? x1min : x2min, ixmax = x1max < x2max ? x1max : x2max;
  if (ixmax <= ixmin)
    return false;
  const ct<T> iymin = y1min > y2min ? y1min : y2min, iymax = y1max < y2max ? y1max : y2max;
  if (iymax <= iymin)
    return false;
  const ct<T> inter = (ixmax - ixmin) * (iymax - iymin);
  if (inter <= 0)
    return false;
  const ct<T> area1 = (x1max - x1min) * (y1max - y1min), area2 = (x2max - x2min) * (y2max - y2min);
  const ct<T> uni = area1 + area2 - inter;
  if (area1 <= 0 || area2 <= 0 || uni <= 0)
    return false;
  return inter / uni > threshold;
}

/// NonMaxSuppression over boxes [B, N, 4] and scores [B, C, N]: per (batch, class), the
/// boxes above the score threshold (UseScore) by descending score (ties: lower index
/// first), each kept unless a kept box overlaps it by more than the IoU threshold, up to
/// min(max_output_boxes_per_class, MaxBoxes). y rows are (batch, class, box); shape =
/// [rows, 3]. scratch holds 2N int64 (candidates, kept boxes).
template <typename TB, typename TS, typename, typename TI, typename TT, typename, typename,
          typename, int64_t B, int64_t C, int64_t N, int64_t CenterBox, int64_t UseScore,
          int64_t MaxBoxes>
MC_HD bool non_max_suppression(const st<TB> *boxes, const st<TS> *scores, const int64_t *maxOut,
                               const st<TI> *iou, const st<TT> *scoreThreshold, int64_t *y,
                               int64_t *shape, int64_t *scratch, int64_t) {
  int64_t limit = maxOut[0] < 0 ? 0 : maxOut[0];
  if (limit > MaxBoxes)
    limit = MaxBoxes;
  const ct<TB> iouT = static_cast<ct<TB>>(ld<TI>(iou[0]));
  const ct<TS> scoreT = static_cast<ct<TS>>(ld<TT>(scoreThreshold[0]));
  int64_t *cand = scratch, *kept = scratch + N, rows = 0;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t c = 0; c < C; ++c) {
      const st<TS> *sc = scores + (b * C + c) * N;
      int64_t candidates = 0;
      for (int64_t i = 0; i < N; ++i)
        if (!UseScore || ld<TS>(sc[i]) > scoreT)
          cand[candidates++] = i;
      heap_sort(cand, candidates, [&](int64_t i, int64_t j) {
        const ct<TS> si = ld<TS>(sc[i]), sj = ld<TS>(sc[j]);
        return si > sj || (si == sj && i < j);
      });
      int64_t numKept = 0;
      for (int64_t k = 0; k < candidates && numKept < limit; ++k) {
        const int64_t box = cand[k];
        bool keep = true;
        for (int64_t s = 0; s < numKept && keep; ++s)
          keep = !nms_suppress<TB>(boxes + (b * N + box) * 4, boxes + (b * N + kept[s]) * 4,
                                   CenterBox != 0, iouT);
        if (!keep)
          continue;
        kept[numKept++] = box;
        y[rows * 3] = b;
        y[rows * 3 + 1] = c;
        y[rows * 3 + 2] = box;
        ++rows;
      }
    }
  shape[0] = rows;
  shape[1] = 3;
  return true;
}

} // namespace mc
