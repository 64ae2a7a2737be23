# The scheduler: its loop (turns, stepping, determinism, publishing, destruction) in tst_scheduler.
loopscope_add_test(tst_scheduler LABEL core LIBS loopscope_core)
