# The scheduler: its loop (turns, stepping, determinism, publishing, destruction) in tst_scheduler,
# then one suite per part or primitive.
loopscope_add_test(tst_scheduler LABEL core LIBS loopscope_core)
loopscope_add_test(tst_schedulerqueues LABEL core LIBS loopscope_core)
loopscope_add_test(tst_syncprimitives LABEL core LIBS loopscope_core)
loopscope_add_test(tst_combinators LABEL core LIBS loopscope_core)
loopscope_add_test(tst_qtbridge LABEL core LIBS loopscope_core)
