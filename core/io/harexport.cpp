#include "io/harexport.h"

#include "io/jsonwriter.h"
#include "run/tracemetadata.h"
#include "trace/requestphases.h"

#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <array>

namespace Loopscope {

namespace {

double millis(std::int64_t ns)
{
    return double(ns) / 1e6;
}

QString headerValue(const QList<QPair<QByteArray, QByteArray>> &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return QString::fromLatin1(value);
    }
    return {};
}

void writeHeaders(JsonWriter &json, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    json.key(QLatin1StringView("headers")).beginArray();
    for (const auto &[key, value] : headers) {
        json.beginObject()
            .member(QLatin1StringView("name"), QString::fromLatin1(key))
            .member(QLatin1StringView("value"), QString::fromLatin1(value))
            .endObject();
    }
    json.endArray();
}

void writeRequest(JsonWriter &json, const IoRecord &io)
{
    json.key(QLatin1StringView("request"))
        .beginObject()
        .member(QLatin1StringView("method"), io.method)
        .member(QLatin1StringView("url"), io.url)
        .member(QLatin1StringView("httpVersion"), "HTTP/1.1");
    json.key(QLatin1StringView("cookies")).beginArray().endArray();
    writeHeaders(json, io.requestHeaders);
    json.key(QLatin1StringView("queryString")).beginArray();
    const QUrlQuery query(QUrl(io.url).query(QUrl::FullyEncoded));
    for (const auto &[name, value] : query.queryItems(QUrl::FullyDecoded)) {
        json.beginObject()
            .member(QLatin1StringView("name"), name)
            .member(QLatin1StringView("value"), value)
            .endObject();
    }
    json.endArray()
        .member(QLatin1StringView("headersSize"), -1)
        .member(QLatin1StringView("bodySize"), std::int64_t(std::max<std::int64_t>(io.requestBytes, -1)))
        .endObject();
}

void writeResponse(JsonWriter &json, const IoRecord &io)
{
    QString mimeType = headerValue(io.responseHeaders, "content-type");
    if (mimeType.isEmpty())
        mimeType = QStringLiteral("x-unknown");
    const std::int64_t size = io.status == 0 ? 0 : std::max<std::int64_t>(io.responseBytes, 0);
    json.key(QLatin1StringView("response"))
        .beginObject()
        .member(QLatin1StringView("status"), io.status)
        .member(QLatin1StringView("statusText"), io.statusText)
        .member(QLatin1StringView("httpVersion"), io.status == 0 ? "" : "HTTP/1.1");
    json.key(QLatin1StringView("cookies")).beginArray().endArray();
    writeHeaders(json, io.responseHeaders);
    json.key(QLatin1StringView("content"))
        .beginObject()
        .member(QLatin1StringView("size"), size)
        .member(QLatin1StringView("mimeType"), mimeType)
        .endObject()
        .member(QLatin1StringView("redirectURL"), headerValue(io.responseHeaders, "location"))
        .member(QLatin1StringView("headersSize"), -1)
        .member(QLatin1StringView("bodySize"), io.status == 0 ? std::int64_t(-1) : size)
        .endObject();
}

void writeEntry(JsonWriter &json, const Trace &trace, const IoRecord &io, const QDateTime &origin)
{
    // Unknown ends count as "still waiting at the last event of the trace".
    const std::int64_t traceEnd = trace.isEmpty() ? io.startNs : trace.last().timeNs;
    const std::int64_t began = requestBeganNs(io);
    // HAR's phases are ours, but for "connect", which includes the TLS handshake ("ssl" again).
    std::array<std::int64_t, RequestPhaseCount> spent {};
    std::int64_t end = began;
    for (const RequestPhaseSpan &span : requestPhases(io, traceEnd)) {
        spent[static_cast<std::size_t>(span.phase)] += span.durationNs();
        end = span.endNs;
    }
    const auto of = [&spent](RequestPhase phase) { return spent[static_cast<std::size_t>(phase)]; };
    const bool connected = io.connectNs >= 0;
    const QDateTime started = origin.addMSecs(began / 1'000'000);
    json.beginObject()
        .member(QLatin1StringView("startedDateTime"), started.toString(Qt::ISODateWithMs))
        .key(QLatin1StringView("time"))
        .decimal(millis(end - began), 6);
    writeRequest(json, io);
    writeResponse(json, io);
    json.key(QLatin1StringView("cache")).beginObject().endObject();
    // -1: not applicable (a reused connection has no DNS, connect or TLS step).
    const auto timing = [&json](const char *key, bool applies, std::int64_t ns) {
        json.key(QLatin1StringView(key));
        if (applies)
            json.decimal(millis(ns), 6);
        else
            json.value(-1);
    };
    const bool https = io.url.startsWith(QLatin1String("https:"));
    json.key(QLatin1StringView("timings")).beginObject();
    timing("blocked", true, of(RequestPhase::Queued));
    timing("dns", connected, of(RequestPhase::Dns));
    timing("connect", connected, of(RequestPhase::Connect) + of(RequestPhase::Tls));
    timing("send", true, of(RequestPhase::Send));
    timing("wait", true, of(RequestPhase::Wait));
    timing("receive", true, of(RequestPhase::Receive));
    timing("ssl", connected && https, of(RequestPhase::Tls));
    json.endObject();
    if (io.connection > 0)
        json.member(QLatin1StringView("connection"), QString::number(io.connection));
    json.member(QLatin1StringView("_task"), trace.taskName(io.task))
        .member(QLatin1StringView("_ioId"), io.id)
        .member(QLatin1StringView("_attempt"), io.attempt);
    if (io.request > 0)
        json.member(QLatin1StringView("_request"), io.request);
    if (!io.error.isEmpty())
        json.member(QLatin1StringView("_error"), io.error);
    json.endObject();
}

} // namespace

HarExport::Result HarExport::toJson(const Trace &trace, const QDateTime &origin)
{
    std::vector<const IoRecord *> http;
    for (const IoRecord &io : trace.ioRecords()) {
        if (!io.method.isEmpty() && !io.url.isEmpty())
            http.push_back(&io);
    }
    std::stable_sort(http.begin(), http.end(),
        [](const IoRecord *a, const IoRecord *b) { return requestBeganNs(*a) < requestBeganNs(*b); });

    Result result;
    JsonWriter json(result.json);
    json.beginObject()
        .key(QLatin1StringView("log"))
        .beginObject()
        .member(QLatin1StringView("version"), "1.2");
    json.key(QLatin1StringView("creator"))
        .beginObject()
        .member(QLatin1StringView("name"), "Loopscope")
        .member(QLatin1StringView("version"), loopscopeVersion())
        .endObject();
    json.key(QLatin1StringView("pages")).beginArray().endArray();
    json.key(QLatin1StringView("entries")).beginArray();
    for (const IoRecord *io : http)
        writeEntry(json, trace, *io, origin.toUTC());
    json.endArray().endObject().endObject().raw(QLatin1StringView("\n"));
    result.entryCount = static_cast<int>(http.size());
    return result;
}

} // namespace Loopscope
