#pragma once

#include <QTextStream>

//! What the UI thread went through while the window played a live HTTP retrieval.
struct UiBlockingResult
{
    int pages = 0;
    double seconds = 0;  //!< the retrieval, as the window played it
    double maxGapMs = 0; //!< longest time the UI thread did not get back to its event loop
    double p99GapMs = 0;
    qint64 events = 0;
    bool finished = false;
};

/*!
 * Opens the main window (offscreen, shown, so views paint), fetches `pages` pages of the
 * in-process demo API through the HTTP retrieval panel, and measures how long the UI thread ever
 * went without serving its event loop (a 1 ms timer records the gaps between its ticks).
 */
UiBlockingResult measureUiBlocking(int pages, int concurrency, int latencyMs, QTextStream &out);
