# The Debian package (`cpack -G DEB` in the build folder, or the `package` target): both executables, the desktop
# entry, the icon and the AppStream metadata. Runtime dependencies are found by dpkg-shlibdeps from the linked
# libraries (Qt 6, LibTorch, OpenBLAS, ...), so the list follows whatever the build links.
# Note: the binaries are built for CODESCOPE_ARCH (native by default); for a package meant for other machines,
# configure with e.g. -DCODESCOPE_ARCH=x86-64-v2.
set(CODESCOPE_APP_ID io.github.codescope.Codescope)
install(FILES ${PROJECT_SOURCE_DIR}/resources/${CODESCOPE_APP_ID}.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${PROJECT_SOURCE_DIR}/resources/codescope.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps RENAME ${CODESCOPE_APP_ID}.svg)
install(FILES ${PROJECT_SOURCE_DIR}/resources/${CODESCOPE_APP_ID}.metainfo.xml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME codescope)
set(CPACK_PACKAGE_VENDOR "Codescope")
set(CPACK_PACKAGE_CONTACT "Codescope developers <codescope@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "See how a neural network codes information, layer by layer")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The default path of analyses and training: Debian's Fashion-MNIST.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "dataset-fashion-mnist")
# Only the two programs: no test or benchmark binaries, no headers.
set(CPACK_COMPONENTS_ALL Unspecified)
include(CPack)
