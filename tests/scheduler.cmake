# The scheduler: its loop (turns, stepping, determinism, publishing, destruction) in tst_scheduler,
# then one suite per part it offers tasks: tasks awaiting tasks and their cancellation, the
# combinators (waitFor, whenAll), the synchronisation primitives (BoundedQueue, Semaphore, Event),
# the Qt and QCoro bridge, and its internal ready and timer queues.
loopscope_add_test(tst_scheduler LABEL core LIBS loopscope_core)
loopscope_add_test(tst_tasks LABEL core LIBS loopscope_core)
loopscope_add_test(tst_combinators LABEL core LIBS loopscope_core)
loopscope_add_test(tst_syncprimitives LABEL core LIBS loopscope_core)
loopscope_add_test(tst_qtbridge LABEL core LIBS loopscope_core)
loopscope_add_test(tst_schedulerqueues LABEL core LIBS loopscope_core)
