# The desktop app: widget-free models and geometry (GUI-less), renderers and widgets (offscreen),
# and a smoke test of the real binary under Xvfb.
loopscope_add_test(tst_sequencelayout LABEL ui LIBS loopscope_ui)
loopscope_add_test(tst_timelinelayout LABEL ui LIBS loopscope_ui)
loopscope_add_test(tst_uimodels LABEL ui LIBS loopscope_ui)
loopscope_add_test(tst_launchoptions LABEL ui LIBS loopscope_ui)
loopscope_add_test(tst_viewrenderers LABEL ui LIBS loopscope_ui)
loopscope_add_test(tst_mainwindow LABEL ui LIBS loopscope_ui)
loopscope_add_test(tst_retrievalpanel LABEL ui LIBS loopscope_ui)
loopscope_add_test(tst_networkview LABEL ui LIBS loopscope_ui)

# The real binary on a real (virtual) X display: steps through a scenario and saves a screenshot.
add_test(NAME smoke_app COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/smoke/run-smoke.sh $<TARGET_FILE:loopscope>
                                ${CMAKE_CURRENT_BINARY_DIR}/smoke)
set_tests_properties(smoke_app PROPERTIES LABELS "ui" TIMEOUT 120)
loopscope_add_test(tst_runningtimechart LABEL ui LIBS loopscope_ui)
