loopscope_add_test(tst_http LABEL core LIBS loopscope_core)
loopscope_add_test(tst_connector LABEL core LIBS loopscope_core)
loopscope_add_test(tst_pages LABEL core LIBS loopscope_core)
