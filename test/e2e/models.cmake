# models.cmake - registers the end-to-end model tests driven by run_model_tests.py.
#
# include()d from test/e2e/CMakeLists.txt. e2e_models_cpu compiles each model of the default set
# (test/models/build_models.py) with modelc, builds the bundle with CMake + Ninja as a downstream
# project would, runs it and compares its output with onnxruntime's. e2e_models_selftest checks
# that comparison itself and needs no modelc. e2e_models_cuda_compile, only where nvcc exists,
# compiles the CUDA bundles with nvcc without running them. e2e_models_extra_cpu and
# e2e_models_extra_cuda_compile do the same for the extra set (BERT encoder, detection head,
# LSTM, QDQ CNN; label models_extra), kept apart so that e2e_models_cpu stays short. The tests that build bundles share
# the RESOURCE_LOCK of the conformance tests, so that they do not compete for the cores.

find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(MODELC_E2E_MODELS_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/run_model_tests.py)

# e2e_models_cpu builds the bundles with g++ -Wall -Wextra -Werror (plus MODELC_E2E_CXXFLAGS,
# the sanitizers in the sanitizer build); e2e_models_warnings_clang does the same with clang++.
find_program(MODELC_MODELS_GXX g++)
find_program(MODELC_MODELS_CLANGXX clang++)
add_test(NAME e2e_models_cpu
  COMMAND ${Python3_EXECUTABLE} ${MODELC_E2E_MODELS_SCRIPT}
          --modelc $<TARGET_FILE:modelc> --work ${CMAKE_BINARY_DIR}/e2e/models
          --cxx ${MODELC_MODELS_GXX} "--cxxflags=-Wall -Wextra -Werror ${MODELC_E2E_CXXFLAGS}")
set_tests_properties(e2e_models_cpu PROPERTIES
  TIMEOUT 1800 LABELS e2e RESOURCE_LOCK modelc_e2e)
if(MODELC_MODELS_CLANGXX)
  add_test(NAME e2e_models_warnings_clang
    COMMAND ${Python3_EXECUTABLE} ${MODELC_E2E_MODELS_SCRIPT}
            --modelc $<TARGET_FILE:modelc> --work ${CMAKE_BINARY_DIR}/e2e/models_clang
            --cxx ${MODELC_MODELS_CLANGXX} "--cxxflags=-Wall -Wextra -Werror")
  set_tests_properties(e2e_models_warnings_clang PROPERTIES
    TIMEOUT 1800 LABELS "e2e;warnings" RESOURCE_LOCK modelc_e2e)
endif()

add_test(NAME e2e_models_extra_cpu
  COMMAND ${Python3_EXECUTABLE} ${MODELC_E2E_MODELS_SCRIPT} --models extra
          --modelc $<TARGET_FILE:modelc> --work ${CMAKE_BINARY_DIR}/e2e/models_extra
          --cxx ${MODELC_MODELS_GXX} "--cxxflags=-Wall -Wextra -Werror ${MODELC_E2E_CXXFLAGS}")
set_tests_properties(e2e_models_extra_cpu PROPERTIES
  TIMEOUT 1800 LABELS "e2e;models_extra" RESOURCE_LOCK modelc_e2e)

add_test(NAME e2e_models_selftest
  COMMAND ${Python3_EXECUTABLE} ${MODELC_E2E_MODELS_SCRIPT} --self-test --models default,extra)
set_tests_properties(e2e_models_selftest PROPERTIES TIMEOUT 600 LABELS e2e)

find_program(NVCC nvcc PATHS /usr/local/cuda/bin)
if(NVCC)
  add_test(NAME e2e_models_cuda_compile
    COMMAND ${Python3_EXECUTABLE} ${MODELC_E2E_MODELS_SCRIPT} --target cuda
            --modelc $<TARGET_FILE:modelc> --nvcc ${NVCC}
            --work ${CMAKE_BINARY_DIR}/e2e/models_cuda)
  set_tests_properties(e2e_models_cuda_compile PROPERTIES
    TIMEOUT 1800 LABELS "e2e;cuda" RESOURCE_LOCK modelc_e2e)
  if(MODELC_TEST_EXTRA)
  add_test(NAME e2e_models_extra_cuda_compile
    COMMAND ${Python3_EXECUTABLE} ${MODELC_E2E_MODELS_SCRIPT} --target cuda --models extra
            --modelc $<TARGET_FILE:modelc> --nvcc ${NVCC}
            --work ${CMAKE_BINARY_DIR}/e2e/models_extra_cuda)
  set_tests_properties(e2e_models_extra_cuda_compile PROPERTIES
    TIMEOUT 1800 LABELS "e2e;cuda;models_extra" RESOURCE_LOCK modelc_e2e)
  endif()
else()
  message(STATUS "nvcc not found: e2e_models_cuda_compile is not registered")
endif()
