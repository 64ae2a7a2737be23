// DemoServer's API: the routes, the item pages and the faults injected on demand.
#include "net/demoserverparts.h"

namespace Loopscope {

using namespace DemoHttp;
using namespace DemoServerLimits;

namespace {

bool isFaultParameter(QByteArrayView key)
{
    return key == "fault" || key == "fault_times" || key == "retry_after" || key == "slow_ms";
}

} // namespace

void DemoServer::handleRequest(Connection &c, const RequestHead &request)
{
    ++m_stats.requestsReceived;
    m_stats.peakOpenRequests = qMax(m_stats.peakOpenRequests, ++m_stats.openRequests);
    const qsizetype mark = request.target.indexOf('?');
    const QByteArrayView path = mark < 0 ? request.target : request.target.first(mark);
    const QByteArrayView queryText = mark < 0 ? QByteArrayView() : request.target.sliced(mark + 1);
    enum class Route { None, Items, Echo, Health };
    const Route route = path == "/api/items" ? Route::Items
        : path == "/api/echo"                ? Route::Echo
        : path == "/health"                  ? Route::Health
                                             : Route::None;
    const QByteArrayView allowed = route == Route::Echo ? "POST" : "GET";
    // A HEAD must get no body, and all our answers have one: closing keeps the client's framing right.
    const bool keepAlive = request.keepAlive && request.method != "HEAD";
    PendingResponse response;
    QByteArray error;
    int errorStatus = 400;
    if (route == Route::None) {
        errorStatus = 404;
        error = "no such path " + quoted(path) + "; try /api/items, /api/echo or /health";
    } else if (request.method != allowed) {
        errorStatus = 405;
        error = "method " + quoted(request.method) + " is not allowed on " + path.toByteArray() + "; use "
            + allowed.toByteArray();
    } else {
        const Query query(queryText);
        if (route == Route::Items) {
            error = itemsResponse(query, keepAlive, response);
        } else {
            const QByteArray body = route == Route::Health
                ? QByteArray(R"({"status":"ok"})")
                : R"({"received_bytes":)" + QByteArray::number(request.contentLength) + '}';
            response.status = 200;
            response.bytes = buildResponse(200, body, keepAlive);
            response.headSize = response.bytes.size() - body.size();
        }
        FaultPlan plan;
        if (error.isEmpty()
            && faultFor(request.method, path, queryText, query, route != Route::Health, plan, error))
            applyFault(plan, keepAlive, response);
    }
    if (!error.isEmpty()) {
        response = {};
        response.status = errorStatus;
        response.bytes = buildResponse(errorStatus, R"({"error":")" + error + R"("})", keepAlive,
            errorStatus == 405 ? "Allow: " + allowed.toByteArray() + "\r\n" : "");
    }
    response.closeAfter = response.closeAfter || !keepAlive;
    c.closing = c.closing || response.closeAfter; // nothing after this request will be answered
    enqueue(c, std::move(response));
}

QByteArray DemoServer::itemsResponse(const Query &query, bool keepAlive, PendingResponse &response)
{
    qint64 from = 0;
    int limit = m_options.pageSize;
    if (query.from) {
        const auto value = parseCount(*query.from);
        if (!value)
            return "invalid 'from' parameter " + quoted(*query.from) + ": expected a non-negative integer";
        from = *value;
    }
    if (query.limit) {
        const auto value = parseCount(*query.limit);
        if (!value || *value < 1 || *value > DemoItems::MaxPageSize)
            return "invalid 'limit' parameter " + quoted(*query.limit) + ": expected an integer from 1 to "
                + QByteArray::number(DemoItems::MaxPageSize);
        limit = static_cast<int>(*value);
    }
    auto it = m_pageCache.constFind({ from, limit });
    if (it == m_pageCache.cend()) {
        if (m_pageCache.size() >= PageCacheLimit)
            m_pageCache.clear(); // a crawl of distinct pages: start over rather than grow without bound
        const QByteArray body = m_items.page(from, limit);
        const QByteArray next = m_items.nextPath(from, limit);
        const QByteArray link = next.isEmpty() ? QByteArray() : "Link: <" + next + ">; rel=\"next\"\r\n";
        const QByteArray bytes = buildResponse(200, body, true, link);
        it = m_pageCache.insert({ from, limit }, { bytes, bytes.size() - body.size() });
    }
    response.status = 200;
    response.bytes = it->first;
    response.headSize = it->second;
    if (!keepAlive) {
        response.bytes.replace("\r\nConnection: keep-alive\r\n", "\r\nConnection: close\r\n");
        response.headSize -= qsizetype(sizeof("keep-alive")) - qsizetype(sizeof("close"));
    }
    return {};
}

bool DemoServer::faultFor(QByteArrayView method, QByteArrayView path, QByteArrayView queryText,
    const Query &query, bool randomAllowed, FaultPlan &plan, QByteArray &error)
{
    plan.retryAfterSeconds = m_options.retryAfterSeconds;
    plan.slowMs = m_options.slowMs;
    if (!query.fault) {
        if (!randomAllowed || m_options.errorRate <= 0.0
            || static_cast<double>(m_random() >> 11) * 0x1.0p-53 >= m_options.errorRate)
            return false;
        plan.kind
            = m_options.randomFaults[static_cast<qsizetype>(m_random() % m_options.randomFaults.size())];
        ++m_stats.faultsInjected;
        return true;
    }
    const auto kind = faultFromName(*query.fault);
    if (!kind) {
        error = "unknown fault " + quoted(*query.fault)
            + "; expected 500, 429, drop, truncate, malformed or slow";
        return false;
    }
    plan.kind = *kind;
    const auto parse = [&error](std::optional<QByteArrayView> text, const char *name, qint64 max, int &out) {
        const auto value = text ? parseCount(*text) : std::nullopt;
        if (text && (!value || *value > max))
            error = "invalid '" + QByteArray(name) + "' parameter " + quoted(*text)
                + ": expected an integer from 0 to " + QByteArray::number(max);
        else if (value)
            out = static_cast<int>(*value);
    };
    int times = -1;
    parse(query.faultTimes, "fault_times", 1'000'000'000, times);
    parse(query.retryAfter, "retry_after", 86'400, plan.retryAfterSeconds);
    parse(query.slowMs, "slow_ms", MaxDelayMs, plan.slowMs);
    if (!error.isEmpty())
        return false;
    if (times >= 0) {
        // Requests count as "the same URL" when method, path and all non-fault parameters agree.
        QByteArray key = method.toByteArray() + ' ' + path.toByteArray() + '?';
        forEachParameter(queryText, [&key](QByteArrayView name, QByteArrayView value) {
            if (!isFaultParameter(name))
                key.append(name).append('=').append(value).append('&');
        });
        int &seen = m_faultCounts[key];
        if (seen >= times)
            return false;
        ++seen;
    }
    ++m_stats.faultsInjected;
    return true;
}

void DemoServer::applyFault(const FaultPlan &plan, bool keepAlive, PendingResponse &response)
{
    const QByteArrayView body = QByteArrayView(response.bytes).sliced(response.headSize);
    switch (plan.kind) {
    case Fault::ServerError:
    case Fault::TooManyRequests: {
        const bool busy = plan.kind == Fault::TooManyRequests;
        response.status = busy ? 429 : 500;
        response.bytes = buildResponse(response.status,
            busy ? R"({"error":"injected fault: too many requests"})"
                 : R"({"error":"injected fault: server error"})",
            keepAlive, busy ? "Retry-After: " + QByteArray::number(plan.retryAfterSeconds) + "\r\n" : "");
        break;
    }
    case Fault::Drop:
        response.action = PendingResponse::Action::Drop;
        break;
    case Fault::Truncate: // the head still announces the whole body
        response.bytes.truncate(response.headSize + body.size() / 2);
        response.closeAfter = true;
        break;
    case Fault::Malformed: // a strict prefix of a JSON object is never valid JSON
        response.bytes = buildResponse(200, body.first(body.size() / 2), keepAlive);
        break;
    case Fault::Slow:
        response.action = PendingResponse::Action::Slow;
        response.slowMs = plan.slowMs;
        break;
    }
}

int DemoServer::nextDelayMs()
{
    if (m_options.jitterMs == 0)
        return m_options.latencyMs;
    const auto span = static_cast<std::uint64_t>(2 * m_options.jitterMs + 1);
    const int jitter = static_cast<int>(m_random() % span) - m_options.jitterMs;
    return qMax(0, m_options.latencyMs + jitter);
}

QByteArray DemoServer::faultName(Fault fault)
{
    switch (fault) {
    case Fault::ServerError:
        return "500";
    case Fault::TooManyRequests:
        return "429";
    case Fault::Drop:
        return "drop";
    case Fault::Truncate:
        return "truncate";
    case Fault::Malformed:
        return "malformed";
    case Fault::Slow:
        return "slow";
    }
    Q_UNREACHABLE();
}

std::optional<DemoServer::Fault> DemoServer::faultFromName(QByteArrayView name)
{
    for (const Fault fault : { Fault::ServerError, Fault::TooManyRequests, Fault::Drop, Fault::Truncate,
             Fault::Malformed, Fault::Slow }) {
        if (name == faultName(fault))
            return fault;
    }
    return std::nullopt;
}

} // namespace Loopscope
