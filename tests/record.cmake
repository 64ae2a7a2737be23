# Programs recorded from outside (core/record): the recorder's stream, read as bytes of any shape.
loopscope_add_test(tst_recorderstream LABEL core LIBS loopscope_core)
