# ims_warnings: the warning set every target of the project builds with.
add_library(ims_warnings INTERFACE)
target_compile_options(ims_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wcast-align -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  # Parameter tables use designated initializers over members that all have
  # defaults; -Wextra would flag every member left out.
  -Wno-missing-field-initializers)
if(IMS_WERROR)
  target_compile_options(ims_warnings INTERFACE -Werror)
endif()

# ims_options: optimisation and sanitizer flags shared by every target.
add_library(ims_options INTERFACE)
if(IMS_NATIVE)
  target_compile_options(ims_options INTERFACE -march=native)
endif()
target_compile_options(ims_options INTERFACE $<$<CONFIG:Release>:-O3>)
# ims never reads floating-point exception flags or errno after math calls;
# with the defaults GCC refuses to vectorise float compares (NaN-propagating
# max/min ran 20x slower) and checks errno around sqrt. Results are unchanged:
# these options do not allow reassociation or finite-only assumptions.
target_compile_options(ims_options INTERFACE -fno-trapping-math -fno-math-errno)
# No fused multiply-add contraction: results must round as numpy's do (a + d*t
# in a percentile, fused on FMA machines, moved float32 results by an ulp).
target_compile_options(ims_options INTERFACE -ffp-contract=off)
if(IMS_SANITIZE)
  # -fno-sanitize=vptr: oneTBB's flow graph downcasts its task objects in a way
  # UBSan's dynamic-type check reports inside /usr/include/oneapi/tbb (not in ims).
  target_compile_options(ims_options INTERFACE -fsanitize=${IMS_SANITIZE} -fno-sanitize=vptr
                                               -fno-omit-frame-pointer)
  target_link_options(ims_options INTERFACE -fsanitize=${IMS_SANITIZE} -fno-sanitize=vptr)
endif()

# ims_project: what every library and program of ims links.
add_library(ims_project INTERFACE)
target_link_libraries(ims_project INTERFACE ims_warnings ims_options)
target_include_directories(ims_project INTERFACE
  ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/include ${PROJECT_BINARY_DIR}/generated)
