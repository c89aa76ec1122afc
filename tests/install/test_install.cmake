# Installs the build into a fresh prefix, checks what is there, then builds
# examples/embed against that prefix alone (find_package(ims)) and runs each
# program on a series made by the installed `ims`.
#
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... [-DSANITIZE=address,undefined] -P test_install.cmake
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "test_install: -D${var}=... is required")
  endif()
endforeach()

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "test_install: ${what} failed (${rc}):\n${out}\n${err}")
  endif()
  message(STATUS "${what}: ${out}")
endfunction()

function(expect_file path)
  if(NOT EXISTS ${path})
    message(FATAL_ERROR "test_install: ${path} was not installed")
  endif()
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

expect_file(${prefix}/bin/ims)
expect_file(${prefix}/include/ims/ims.hpp)
expect_file(${prefix}/include/ims/version.hpp)
expect_file(${prefix}/lib/cmake/ims/imsConfig.cmake)
expect_file(${prefix}/lib/cmake/ims/imsConfigVersion.cmake)
expect_file(${prefix}/lib/pkgconfig/ims.pc)
file(GLOB libraries ${prefix}/lib/libims.so*)
if(NOT libraries)
  message(FATAL_ERROR "test_install: no libims.so in ${prefix}/lib")
endif()
# Only the public headers: nothing of core/, engine/, formats/ or ops/.
file(GLOB_RECURSE headers RELATIVE ${prefix}/include ${prefix}/include/*)
foreach(header ${headers})
  if(NOT header MATCHES "^ims/[a-z_]+\\.hpp$")
    message(FATAL_ERROR "test_install: ${header} is installed, but only include/ims/*.hpp is public")
  endif()
endforeach()
# The SONAME carries the version, so that a program built against 0.1 does
# not load an incompatible 0.2.
execute_process(COMMAND objdump -p ${prefix}/lib/libims.so OUTPUT_VARIABLE dynamic)
if(NOT dynamic MATCHES "SONAME +libims\\.so\\.[0-9]+\\.[0-9]+")
  message(FATAL_ERROR "test_install: libims.so has no versioned SONAME:\n${dynamic}")
endif()
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)
run("pkg-config" pkg-config --modversion ims)

set(flags "")
if(SANITIZE)
  set(flags "-fsanitize=${SANITIZE} -fno-sanitize=vptr")
endif()
run("configure the examples" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/embed -B ${WORK_DIR}/examples
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=${flags}"
    "-DCMAKE_EXE_LINKER_FLAGS=${flags}")
run("build the examples" ${CMAKE_COMMAND} --build ${WORK_DIR}/examples -j 2)

set(series ${WORK_DIR}/series.h5)
run("make a series" ${prefix}/bin/ims convert --format random --opt mode=detector --opt frames=30 --opt rows=64
    --opt cols=80 -o ${series} -q)
run("background" ${WORK_DIR}/examples/background ${series} ${WORK_DIR}/bg.npz 0:20)
expect_file(${WORK_DIR}/bg.npz)
run("processed_write" ${WORK_DIR}/examples/processed_write ${series} ${WORK_DIR}/processed.h5)
run("check the processed series" ${prefix}/bin/ims info ${WORK_DIR}/processed.h5 --opt path=imageseries)
run("from_memory" ${WORK_DIR}/examples/from_memory)

# examples/custom_reducer: a statistic of the program's own, registered
# through the public API, checked against a loop by the program itself.
run("configure custom_reducer" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/custom_reducer -B ${WORK_DIR}/custom_reducer
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=${flags}"
    "-DCMAKE_EXE_LINKER_FLAGS=${flags}")
run("build custom_reducer" ${CMAKE_COMMAND} --build ${WORK_DIR}/custom_reducer -j 2)
set(npy_series ${WORK_DIR}/series.npy)
run("make an npy series" ${prefix}/bin/ims convert --format random --opt mode=detector --opt frames=20 --opt rows=48
    --opt cols=40 -o ${npy_series} -q)
run("count_above" ${WORK_DIR}/custom_reducer/count_above ${npy_series} 120 ${WORK_DIR}/counts.npz)
expect_file(${WORK_DIR}/counts.npz)

# The Python module, installed under the prefix: importable with PYTHONPATH
# pointing there, and finding the installed libims by its RPATH.
if(PYTHON_MODULE)
  file(GLOB_RECURSE packages ${prefix}/lib/*.py)
  list(FILTER packages INCLUDE REGEX "/ims/__init__\\.py$")
  if(NOT packages)
    message(FATAL_ERROR "test_install: the Python package ims was not installed under ${prefix}/lib")
  endif()
  list(GET packages 0 init)
  get_filename_component(package ${init} DIRECTORY)
  get_filename_component(site ${package} DIRECTORY)
  if(NOT SANITIZE)  # an uninstrumented interpreter cannot load an ASan build without preloading
    set(ENV{PYTHONPATH} ${site})
    # No ';' in the code: run() passes its arguments on as a CMake list.
    set(code "import ims, numpy\nassert ims.__file__.startswith('${site}'), ims.__file__\n"
             "print(ims.__version__, ims.stats.max(numpy.ones((2, 3, 4), 'uint16')).sum())")
    string(CONCAT code ${code})
    run("import the installed module" ${PYTHON} -c "${code}")
  endif()
endif()
