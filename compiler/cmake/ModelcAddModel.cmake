# ModelcAddModel.cmake - modelc_add_model(): compiles an ONNX model with modelc at build time
# and wraps the bundle in a library target.
#
#   modelc_add_model(<target>
#     MODEL <file.onnx|file.mlir>   # relative paths are relative to the current source dir
#     [TARGET cpu|cuda]             # default cpu; cuda needs enable_language(CUDA)
#     [NAME <identifier>]           # modelc --name: namespace, header NAME.h; default <target>
#     [OUTPUT_DIR <dir>]            # bundle directory; default ${CMAKE_CURRENT_BINARY_DIR}/<target>_bundle
#     [OPTIONS <modelc flags>...]   # e.g. --input-shape x=1x3x224x224 -O0
#     [DEPENDS <files>...]          # more inputs of the compile (e.g. --freeze-input files)
#     [RUNNER])                     # also add the executable <target>_runner
#
# The bundle is regenerated when the model, a DEPENDS file or the modelc executable changes.
# <target> is a static library with the bundle directory as PUBLIC include directory (so
# `#include "NAME.h"` works) linking modelc_runtime_min, which all models of a project share.
# The weights file stays in the build tree; its absolute path is
#   - the compile definition <NAME in upper case>_WEIGHTS_PATH, visible to whatever links
#     <target> (e.g. RESNET_WEIGHTS_PATH for NAME resnet), and
#   - the target property MODELC_WEIGHTS_FILE (e.g. for install(FILES ...)).
# MODELC_BUNDLE_DIR and MODELC_NAME are target properties too. A cuda model links the CUDA
# runtime chosen by CMAKE_CUDA_RUNTIME_LIBRARY (default static) PUBLIC. Included by modelcConfig.cmake
# and by modelc's own compiler/cmake/CMakeLists.txt (add_subdirectory(modelc)).
include_guard(GLOBAL)

# Defines modelc_runtime_min once per project (a bundle's own CMakeLists.txt and modelc's
# source tree use the same target name and guard).
function(_modelc_runtime_min_target)
  if(TARGET modelc_runtime_min)
    return()
  endif()
  get_property(dir GLOBAL PROPERTY MODELC_RUNTIME_MIN_DIR)
  if(NOT dir OR NOT EXISTS "${dir}/CMakeLists.txt")
    message(FATAL_ERROR "modelc_add_model: runtime_min sources not found (MODELC_RUNTIME_MIN_DIR "
                        "is '${dir}'); use find_package(modelc) or add_subdirectory(modelc)")
  endif()
  add_subdirectory("${dir}" "${CMAKE_BINARY_DIR}/modelc_runtime_min" EXCLUDE_FROM_ALL)
endfunction()

function(modelc_add_model target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "RUNNER" "MODEL;TARGET;NAME;OUTPUT_DIR"
                        "OPTIONS;DEPENDS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "modelc_add_model(${target}): unknown arguments '${arg_UNPARSED_ARGUMENTS}'")
  endif()
  if(NOT arg_MODEL)
    message(FATAL_ERROR "modelc_add_model(${target}): MODEL <file.onnx> is required")
  endif()
  if(NOT arg_TARGET)
    set(arg_TARGET cpu)
  endif()
  if(NOT arg_TARGET MATCHES "^(cpu|cuda)$")
    message(FATAL_ERROR "modelc_add_model(${target}): TARGET must be cpu or cuda, not '${arg_TARGET}'")
  endif()
  if(NOT arg_NAME)
    set(arg_NAME ${target})
  endif()
  if(NOT arg_NAME MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "modelc_add_model(${target}): NAME '${arg_NAME}' is not a C identifier "
                        "(it names the C++ namespace and the files); pass NAME")
  endif()
  foreach(opt IN LISTS arg_OPTIONS)
    if(opt MATCHES "^(-o|--output|--name|--target|--emit)(=.*)?$")
      message(FATAL_ERROR "modelc_add_model(${target}): '${opt}' is set by modelc_add_model "
                          "itself (use NAME, TARGET, OUTPUT_DIR)")
    endif()
  endforeach()
  if(NOT TARGET modelc::modelc)
    message(FATAL_ERROR "modelc_add_model: no modelc::modelc target; use find_package(modelc) "
                        "or add_subdirectory(modelc)")
  endif()

  get_filename_component(model "${arg_MODEL}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  get_source_file_property(model_generated "${model}" GENERATED)
  if(NOT EXISTS "${model}" AND NOT model_generated)
    message(FATAL_ERROR "modelc_add_model(${target}): MODEL '${model}' does not exist and no "
                        "custom command of this directory generates it")
  endif()
  set(deps)
  foreach(d IN LISTS arg_DEPENDS)
    get_filename_component(d "${d}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND deps "${d}")
  endforeach()
  if(arg_OUTPUT_DIR)
    get_filename_component(dir "${arg_OUTPUT_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  else()
    set(dir "${CMAKE_CURRENT_BINARY_DIR}/${target}_bundle")
  endif()

  # The compiler: an imported executable (find_package) or modelc's own target
  # (add_subdirectory). Either way the command re-runs when the executable changes.
  get_target_property(modelc_real modelc::modelc ALIASED_TARGET)
  if(modelc_real)
    set(modelc_cmd ${modelc_real})
    set(modelc_dep ${modelc_real})
  else()
    get_target_property(modelc_exe modelc::modelc IMPORTED_LOCATION)
    set(modelc_cmd "${modelc_exe}")
    set(modelc_dep "${modelc_exe}")
  endif()

  set(name ${arg_NAME})
  if(arg_TARGET STREQUAL "cuda")
    get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
    if(NOT "CUDA" IN_LIST languages)
      message(FATAL_ERROR "modelc_add_model(${target}): TARGET cuda needs the CUDA language; "
                          "call enable_language(CUDA) or project(... LANGUAGES CXX CUDA) first")
    endif()
    set(source "${dir}/${name}.cu")
  else()
    set(source "${dir}/${name}.cpp")
  endif()
  set(header "${dir}/${name}.h")
  set(weights "${dir}/${name}.weights.bin")
  set(runner "${dir}/${name}_runner.cpp")
  get_filename_component(model_file "${model}" NAME)
  add_custom_command(
    OUTPUT "${header}" "${source}" "${weights}" "${runner}" "${dir}/CMakeLists.txt"
    COMMAND "${modelc_cmd}" "${model}" -o "${dir}" --name ${name} --target ${arg_TARGET}
            ${arg_OPTIONS}
    DEPENDS "${model}" ${modelc_dep} ${deps}
    COMMENT "modelc: compiling ${model_file} (${arg_TARGET}) into ${name}"
    VERBATIM)

  _modelc_runtime_min_target()
  add_library(${target} STATIC "${source}" "${header}")
  target_include_directories(${target} PUBLIC "${dir}")
  target_link_libraries(${target} PUBLIC modelc_runtime_min)
  target_compile_features(${target} PUBLIC cxx_std_17)
  string(TOUPPER "${name}" upper)
  target_compile_definitions(${target} INTERFACE "${upper}_WEIGHTS_PATH=\"${weights}\"")
  set_target_properties(${target} PROPERTIES
    POSITION_INDEPENDENT_CODE ON
    MODELC_NAME "${name}"
    MODELC_BUNDLE_DIR "${dir}"
    MODELC_WEIGHTS_FILE "${weights}")
  if(arg_TARGET STREQUAL "cuda")
    find_package(CUDAToolkit REQUIRED)
    set_target_properties(${target} PROPERTIES CUDA_STANDARD 17 CUDA_STANDARD_REQUIRED ON)
    # The CUDA runtime that CMake links for CUDA code (CMAKE_CUDA_RUNTIME_LIBRARY, static by
    # default), PUBLIC: C++ code calling the runtime API gets its headers and the same library,
    # so the process has one CUDA runtime.
    string(TOLOWER "${CMAKE_CUDA_RUNTIME_LIBRARY}" cuda_runtime)
    if(cuda_runtime STREQUAL "shared")
      target_link_libraries(${target} PUBLIC CUDA::cudart)
    elseif(cuda_runtime STREQUAL "none")
      target_include_directories(${target} PUBLIC ${CUDAToolkit_INCLUDE_DIRS})
    else()
      target_link_libraries(${target} PUBLIC CUDA::cudart_static)
    endif()
  endif()

  if(arg_RUNNER)
    add_executable(${target}_runner "${runner}")
    target_link_libraries(${target}_runner PRIVATE ${target})
    target_compile_definitions(${target}_runner PRIVATE "MC_DEFAULT_WEIGHTS=\"${weights}\"")
  endif()
endfunction()
