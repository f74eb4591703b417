# `make package`: a .deb (CPack) with racedemo, its ThreadSanitizer twin, the man page, the bash
# completion, the docs, and the SDK (the scenario API's headers and the CMake package).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME racedemo)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "racedemo maintainers <racedemo@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "race conditions made visible, step by step")
set(CPACK_PACKAGE_DESCRIPTION
    "racedemo runs small programs that race, on real threads and under a deterministic model\n\
scheduler that can try every schedule, and shows which thread did what and what was lost.\n\
It builds scenario plugins from outside its tree (find_package(racedemo)).")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# The libraries the binaries link (libfmt, Boost.Context, libtsan for the twin), found by
# dpkg-shlibdeps; building plugins needs a compiler, CMake and fmt's headers.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "g++, cmake, libfmt-dev")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
