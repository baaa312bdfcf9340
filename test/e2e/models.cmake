# models.cmake - registers the end-to-end model tests driven by run_model_tests.py.
#
# include()d from test/e2e/CMakeLists.txt. e2e_models_cpu compiles each model of the default set
# (test/models/build_models.py) with modelc, builds the bundle with CMake + Ninja as a downstream
# project would, runs it and compares its output with onnxruntime's. e2e_models_selftest checks
# that comparison itself and needs no modelc. e2e_models_cuda_compile, only where nvcc exists,
# compiles the CUDA bundles with nvcc without running them. The tests that build bundles share
# the RESOURCE_LOCK of the conformance tests, so that they do not compete for the cores.

find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(MODELC_E2E_MODELS_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/run_model_tests.py)

add_test(NAME e2e_models_cpu
  COMMAND ${Python3_EXECUTABLE} ${MODELC_E2E_MODELS_SCRIPT}
          --modelc $<TARGET_FILE:modelc> --work ${CMAKE_BINARY_DIR}/e2e/models)
set_tests_properties(e2e_models_cpu PROPERTIES
  TIMEOUT 1800 LABELS e2e RESOURCE_LOCK modelc_e2e)

add_test(NAME e2e_models_selftest
  COMMAND ${Python3_EXECUTABLE} ${MODELC_E2E_MODELS_SCRIPT} --self-test)
set_tests_properties(e2e_models_selftest PROPERTIES TIMEOUT 600 LABELS e2e)

find_program(NVCC nvcc PATHS /usr/local/cuda/bin)
if(NVCC)
  add_test(NAME e2e_models_cuda_compile
    COMMAND ${Python3_EXECUTABLE} ${MODELC_E2E_MODELS_SCRIPT} --target cuda
            --modelc $<TARGET_FILE:modelc> --nvcc ${NVCC}
            --work ${CMAKE_BINARY_DIR}/e2e/models_cuda)
  set_tests_properties(e2e_models_cuda_compile PROPERTIES
    TIMEOUT 1800 LABELS "e2e;cuda" RESOURCE_LOCK modelc_e2e)
else()
  message(STATUS "nvcc not found: e2e_models_cuda_compile is not registered")
endif()
