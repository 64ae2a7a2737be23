#include "net/retrieval.h"

#include "net/demoserver.h"

#include <QTemporaryDir>

namespace Loopscope {

QString RetrievalSettings::validate() const
{
    if (url.isEmpty()) {
        if (demoItems < 0 || demoItems > 10'000'000)
            return QStringLiteral("the demo API holds between 0 and 10000000 items, got %1").arg(demoItems);
        if (demoLatencyMs < 0 || demoLatencyMs > 60'000)
            return QStringLiteral("the demo latency must be between 0 and 60000 ms, got %1")
                .arg(demoLatencyMs);
    }
    FetchOptions checked = fetch;
    checked.url = url.isEmpty() ? QUrl(QStringLiteral("http://127.0.0.1/api/items")) : url;
    return checked.validate();
}

Retrieval wireRetrieval(SchedulerRun &run, const RetrievalSettings &settings)
{
    const QString problem = settings.validate();
    if (!problem.isEmpty())
        throw Error(problem);
    const QString httpProblem = settings.http.validate();
    if (!httpProblem.isEmpty())
        throw Error(httpProblem);
    FetchOptions fetch = settings.fetch;
    fetch.url = settings.url;
    if (fetch.url.isEmpty()) {
        DemoServer::Options options;
        options.items = settings.demoItems;
        options.latencyMs = settings.demoLatencyMs;
        fetch.url = run.hold(DemoServer::startLocal(options)).itemsUrl();
    }
    QString output = settings.outputPath;
    if (output.isEmpty()) {
        auto &directory = run.hold(std::make_unique<QTemporaryDir>());
        if (!directory.isValid())
            throw Error(QStringLiteral("cannot create a temporary folder: %1").arg(directory.errorString()));
        output = directory.filePath(QStringLiteral("items.jsonl"));
    }
    auto &zone = run.hold(std::make_unique<LandingZone>(output, fetch.identity()));
    auto &client = run.hold(std::make_unique<HttpClient>(settings.http));
    auto &connector = run.hold(std::make_unique<Connector>(client, fetch, zone));
    TaskHandle<FetchSummary> task = run.loop().spawn(connector.run(), QStringLiteral("fetch"));
    return Retrieval { zone, connector, std::move(task), output };
}

std::unique_ptr<SchedulerRun> startRetrieval(const RetrievalSettings &settings,
    std::function<void(const FetchProgress &)> progress, QString *outputPath)
{
    auto run = std::make_unique<SchedulerRun>(SchedulerOptions { ClockMode::Real });
    const Retrieval wired = wireRetrieval(*run, settings);
    wired.connector.progressChanged = std::move(progress);
    if (outputPath)
        *outputPath = wired.outputPath;
    return run;
}

} // namespace Loopscope
