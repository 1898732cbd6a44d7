# Finds the libraries the project's owner chose; each failure names the Debian package to install.
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found: apt-get install pkg-config (or run scripts/deps.sh)")
endif()

function(hfsim_require_pkg var module debian_pkg)
  pkg_check_modules(${var} IMPORTED_TARGET ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR "${module} not found: apt-get install ${debian_pkg} (or run scripts/deps.sh)")
  endif()
endfunction()

hfsim_require_pkg(GSL gsl libgsl-dev)
hfsim_require_pkg(JANSSON jansson libjansson-dev)
hfsim_require_pkg(CURL libcurl libcurl4-openssl-dev)
# Compressed traces (gzip, xz) are read as they are.
hfsim_require_pkg(ZLIB zlib zlib1g-dev)
hfsim_require_pkg(LZMA liblzma liblzma-dev)

# libcsv ships no pkg-config file on Debian.
find_path(LIBCSV_INCLUDE_DIR csv.h)
find_library(LIBCSV_LIBRARY csv)
if(NOT LIBCSV_INCLUDE_DIR OR NOT LIBCSV_LIBRARY)
  message(FATAL_ERROR "libcsv not found: apt-get install libcsv-dev (or run scripts/deps.sh)")
endif()
add_library(hfsim_libcsv INTERFACE)
target_include_directories(hfsim_libcsv INTERFACE ${LIBCSV_INCLUDE_DIR})
target_link_libraries(hfsim_libcsv INTERFACE ${LIBCSV_LIBRARY})

if(HFSIM_TESTS)
  pkg_check_modules(CRITERION IMPORTED_TARGET criterion)
  if(NOT CRITERION_FOUND)
    message(FATAL_ERROR "Criterion not found: apt-get install libcriterion-dev, "
                        "or configure with -DHFSIM_TESTS=OFF (or run scripts/deps.sh)")
  endif()
endif()
