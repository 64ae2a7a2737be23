# The core as an installed library (cmake/LoopscopeInstall.cmake): this build is installed into a
# folder of the test's own, the example resources/examples/fetch-pages is built against it as
# another project would build it, and run against `loopscope serve`. Labelled "install", not
# "core": the sanitizer builds do not run it.
if(TARGET loopscope) # the demo server and `loopscope show` are the app's commands
    add_test(NAME install_fetch_pages
             COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/install/run-install.sh ${PROJECT_SOURCE_DIR} ${CMAKE_BINARY_DIR}
                     $<TARGET_FILE:loopscope> ${CMAKE_CURRENT_BINARY_DIR}/install ${PROJECT_VERSION})
    set_tests_properties(install_fetch_pages PROPERTIES LABELS "install" TIMEOUT 120
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;CMAKE=${CMAKE_COMMAND};CXX=${CMAKE_CXX_COMPILER}")
endif()
