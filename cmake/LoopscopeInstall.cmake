# `cmake --install` makes the core a library for other CMake projects:
#
#   find_package(Loopscope 0.2 REQUIRED)
#   target_link_libraries(app PRIVATE Loopscope::core)
#
# Loopscope::core is the layers a program builds on: the trace, the scheduler, runs, the analysis
# of a trace, HTTP and trace files (trace <- scheduler <- run <- analysis <- net, io). The
# scenarios, the recorder and the commands are the app's and are not installed. Installed: those
# static libraries (and the objects of their embedded resources), the public headers below plus
# every header they include, under <prefix>/include/loopscope/<area>/ so that a consumer includes
# "scheduler/scheduler.h" as the core does, and the CMake package in <libdir>/cmake/Loopscope.
include(CMakePackageConfigHelpers)

set(LOOPSCOPE_INSTALL_AREAS trace scheduler run analysis net io)
# What a user includes. The headers these include are found by the compiler (see below).
set(LOOPSCOPE_PUBLIC_HEADERS
    trace/trace.h trace/traceevent.h trace/eventkind.h
    scheduler/scheduler.h scheduler/task.h scheduler/taskhandle.h scheduler/awaitables.h
    scheduler/combinators.h scheduler/event.h scheduler/semaphore.h scheduler/boundedqueue.h
    scheduler/qtbridge.h scheduler/errors.h
    net/httpclient.h net/connector.h net/retrieval.h
    io/tracefilewriter.h io/tracefilereader.h io/textexport.h io/tracestreamer.h)
set(LOOPSCOPE_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR}/loopscope)
set(LOOPSCOPE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/Loopscope)

# Loopscope::core for consumers (and for a project that adds this one as a subdirectory).
add_library(loopscope_library INTERFACE)
add_library(Loopscope::core ALIAS loopscope_library)
set_target_properties(loopscope_library PROPERTIES EXPORT_NAME core)

set(install_targets loopscope_library)
foreach(area IN LISTS LOOPSCOPE_INSTALL_AREAS)
    set(target loopscope_${area})
    target_link_libraries(loopscope_library INTERFACE ${target})
    set_target_properties(${target} PROPERTIES EXPORT_NAME ${area})
    if(LOOPSCOPE_SANITIZE) # instrumented libraries need the sanitizers' run-time libraries
        target_link_options(${target} INTERFACE $<INSTALL_INTERFACE:-fsanitize=address,undefined>)
    endif()
    # qt_add_resources() gives a static library its resources as object libraries of its own
    # (<target>_resources_<n>), which the library's users link: they are exported with it.
    set(n 1)
    while(TARGET ${target}_resources_${n})
        list(APPEND install_targets ${target}_resources_${n})
        set_target_properties(${target}_resources_${n} PROPERTIES EXPORT_NAME ${area}_resources_${n})
        math(EXPR n "${n} + 1")
    endwhile()
    list(APPEND install_targets ${target})
endforeach()

# The headers are C++20 with coroutines. The build tree has both globally (CMAKE_CXX_STANDARD, and
# qcoro_enable_coroutines(), which only sets CMAKE_CXX_FLAGS); a consumer gets them from the targets
# and calls nothing. (g++ 11 and later enable coroutines with C++20 already; g++ 10 needs the flag.)
target_compile_features(loopscope_trace INTERFACE cxx_std_20)
target_compile_options(loopscope_scheduler INTERFACE $<INSTALL_INTERFACE:$<$<COMPILE_LANG_AND_ID:CXX,GNU>:-fcoroutines>>)

install(TARGETS ${install_targets} EXPORT LoopscopeTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    OBJECTS DESTINATION ${CMAKE_INSTALL_LIBDIR}/loopscope
    INCLUDES DESTINATION ${LOOPSCOPE_INSTALL_INCLUDEDIR})
install(EXPORT LoopscopeTargets NAMESPACE Loopscope:: DESTINATION ${LOOPSCOPE_INSTALL_CMAKEDIR})

# The headers to install: the public ones and every header they include, as the preprocessor
# finds them through the installed areas' include roots (-MM; -MG takes the headers it cannot find,
# Qt's and QCoro's, for generated ones). A header of the project that a consumer could not reach the
# same way stops the configuration. A change to any of these headers configures again, so that a
# new include is seen before the next install.
function(loopscope_install_headers)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        message(FATAL_ERROR "listing the headers to install needs g++ or clang (-MM -MG)")
    endif()
    set(probe ${PROJECT_BINARY_DIR}/package/publicheaders.cpp)
    list(TRANSFORM LOOPSCOPE_PUBLIC_HEADERS REPLACE "(.+)" "#include \"\\1\"\n" OUTPUT_VARIABLE lines)
    string(JOIN "" content ${lines})
    file(CONFIGURE OUTPUT ${probe} CONTENT "${content}")
    set(roots ${LOOPSCOPE_INSTALL_AREAS})
    list(TRANSFORM roots PREPEND ${PROJECT_BINARY_DIR}/layers/)
    list(TRANSFORM roots PREPEND -I OUTPUT_VARIABLE include_flags)
    execute_process(
        COMMAND ${CMAKE_CXX_COMPILER} ${CMAKE_CXX20_STANDARD_COMPILE_OPTION} ${include_flags} -MM -MG ${probe}
        OUTPUT_VARIABLE dependencies ERROR_VARIABLE problem RESULT_VARIABLE status)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "cannot list the headers the public headers include:\n${problem}")
    endif()
    # "publicheaders.o: <probe> <header> ... \<newline> <header> ...", spaces in paths escaped.
    string(REGEX REPLACE "\\\\\n" " " dependencies "${dependencies}")
    string(REGEX REPLACE "^[^:]*:" "" dependencies "${dependencies}")
    string(REPLACE "\\ " "<space>" dependencies "${dependencies}")
    string(REGEX MATCHALL "[^ \t\n]+" dependencies "${dependencies}")
    list(TRANSFORM dependencies REPLACE "<space>" " ")
    list(REMOVE_ITEM dependencies ${probe})
    list(SORT dependencies)
    set(headers "")
    foreach(dependency IN LISTS dependencies)
        if(NOT IS_ABSOLUTE "${dependency}") # not found: Qt's, QCoro's, or one of an area not installed
            string(REGEX MATCH "^[^/]+" area "${dependency}")
            if(EXISTS ${PROJECT_SOURCE_DIR}/core/${area}/CMakeLists.txt)
                message(FATAL_ERROR "a public header includes ${dependency}, but ${area} is not installed")
            endif()
            continue()
        endif()
        set(header "")
        foreach(root IN LISTS roots)
            cmake_path(IS_PREFIX root "${dependency}" NORMALIZE in_root)
            if(in_root)
                file(RELATIVE_PATH header ${root} ${dependency}) # "scheduler/detail/waitnode.h"
            endif()
        endforeach()
        if(NOT header)
            cmake_path(IS_PREFIX PROJECT_SOURCE_DIR "${dependency}" NORMALIZE in_source)
            cmake_path(IS_PREFIX PROJECT_BINARY_DIR "${dependency}" NORMALIZE in_build)
            if(in_source OR in_build)
                message(FATAL_ERROR "a public header includes ${dependency} by a path a consumer does not have")
            endif()
            continue() # a system header
        endif()
        cmake_path(GET header PARENT_PATH folder)
        install(FILES ${dependency} DESTINATION ${LOOPSCOPE_INSTALL_INCLUDEDIR}/${folder})
        list(APPEND headers ${dependency})
    endforeach()
    set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${headers})
    list(LENGTH headers count)
    message(STATUS "Loopscope installs ${count} headers in ${LOOPSCOPE_INSTALL_INCLUDEDIR}")
endfunction()
loopscope_install_headers()

# The package. SameMinorVersion: before 1.0 a minor release may change the API (0.3 need not build
# what 0.2 built), so find_package(Loopscope 0.2) accepts 0.2.x and nothing later.
get_target_property(scheduler_links loopscope_scheduler LINK_LIBRARIES)
set(LOOPSCOPE_USES_MIMALLOC OFF)
if("mimalloc" IN_LIST scheduler_links)
    set(LOOPSCOPE_USES_MIMALLOC ON)
endif()
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/LoopscopeConfig.cmake.in
    ${PROJECT_BINARY_DIR}/package/LoopscopeConfig.cmake
    INSTALL_DESTINATION ${LOOPSCOPE_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/LoopscopeConfigVersion.cmake
    COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/package/LoopscopeConfig.cmake
              ${PROJECT_BINARY_DIR}/package/LoopscopeConfigVersion.cmake
        DESTINATION ${LOOPSCOPE_INSTALL_CMAKEDIR})
