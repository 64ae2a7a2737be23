#pragma once

#include "net/connector.h"

#include "run/schedulerrun.h"

#include <functional>
#include <memory>

namespace Loopscope {

//! A retrieval to play in the app: a collection URL (or the built-in demo API) and how to fetch it.
struct RetrievalSettings
{
    QUrl url;                    //!< empty: start the demo API in this process and fetch from it
    qint64 demoItems = 5'000;    //!< demo API only
    int demoLatencyMs = 100;     //!< demo API only
    FetchOptions fetch;          //!< its url is filled in from `url`
    QString outputPath;          //!< empty: a temporary file that lives as long as the run

    QString validate() const;
};

/*!
 * A real-clock run of the Connector: the scheduler, HTTP client, landing zone (and the demo API
 * when no URL is given) are owned by the returned run, and the connector task is spawned on it,
 * so the views can step it, animate it and watch its trace like a scenario. `progress` is called
 * after every page. Throws Error when the settings are unusable or the output cannot be opened.
 */
std::unique_ptr<SchedulerRun> startRetrieval(const RetrievalSettings &settings,
                                             std::function<void(const FetchProgress &)> progress = {});

} // namespace Loopscope
