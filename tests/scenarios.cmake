# The built-in scenarios: their claims (tst_scenarios, tst_scenarioworkloads, with the helpers in
# scenarioplay.h) and golden traces, their registry and parameters, the traced generator they
# build on, and the run/list commands.
loopscope_add_test(tst_scenarios LABEL core LIBS loopscope_core)
loopscope_add_test(tst_scenarioworkloads LABEL core LIBS loopscope_core)
loopscope_add_test(tst_scenariogoldens LABEL core LIBS loopscope_core)
loopscope_add_test(tst_scenarioregistry LABEL core LIBS loopscope_core)
loopscope_add_test(tst_tracedgenerator LABEL core LIBS loopscope_core)
loopscope_add_test(tst_runcommand LABEL core LIBS loopscope_core)
# What went wrong in a schedule (core/analysis/lints) and `loopscope lint`.
loopscope_add_test(tst_lints LABEL core LIBS loopscope_core)
