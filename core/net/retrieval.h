#pragma once

#include "net/connector.h"
#include "net/httpclient.h"
#include "run/schedulerrun.h"

#include <functional>
#include <memory>

namespace Loopscope {

//! A retrieval: a collection URL (or the built-in demo API), how to fetch it and where to land it.
struct RetrievalSettings
{
    QUrl url;                 //!< empty: start the demo API in this process and fetch from it
    qint64 demoItems = 5'000; //!< demo API only
    int demoLatencyMs = 100;  //!< demo API only
    FetchOptions fetch;       //!< its url is filled in from `url`
    HttpClientOptions http;
    QString outputPath; //!< empty: a temporary file that lives as long as the run

    QString validate() const;
};

//! The parts of a retrieval that its driver talks to; the run it was wired on owns them.
struct Retrieval
{
    LandingZone &zone;
    Connector &connector;
    TaskHandle<FetchSummary> task;
    QString outputPath; //!< the JSON Lines file the items land in (a temporary one if none was given)
};

/*!
 * Wires a retrieval onto `run`, the one wiring of `loopscope fetch` and the window: the demo API
 * (when no URL is given), the HTTP client, the landing zone (resuming what an earlier run landed)
 * and the connector are kept alive by the run, and the connector's task, named "fetch", is
 * spawned on its scheduler. Throws Error when the settings are unusable, the output cannot be
 * opened or the demo API cannot start.
 */
Retrieval wireRetrieval(SchedulerRun &run, const RetrievalSettings &settings);

/*!
 * A real-clock run with a retrieval wired on it, for the window to step, animate and watch like
 * a scenario. `progress` is called after every page; `outputPath`, when given, receives where the
 * items land. Throws as wireRetrieval() does.
 */
std::unique_ptr<SchedulerRun> startRetrieval(const RetrievalSettings &settings,
    std::function<void(const FetchProgress &)> progress = {}, QString *outputPath = nullptr);

} // namespace Loopscope
