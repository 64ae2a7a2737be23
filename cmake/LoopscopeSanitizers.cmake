# LOOPSCOPE_SANITIZE=ON builds every target with AddressSanitizer and UndefinedBehaviorSanitizer
# (the dev-asan preset). Applied globally so that coroutine frames allocated in one target and
# freed in another are both instrumented.
option(LOOPSCOPE_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(LOOPSCOPE_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
endif()
