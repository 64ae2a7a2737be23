// DemoServer's API: the routes, the item pages and the faults injected on demand.
#include "net/demoserverparts.h"
#include "net/httpcompression.h"

#include <limits>

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
        if (route == Route::Items && !m_options.token.isEmpty()
            && request.authorization != QByteArrayView("Bearer " + m_options.token)) {
            errorStatus = 401;
            error = request.authorization.isEmpty()
                ? "this API needs a token: send Authorization: Bearer <token>"
                : "the token is not valid";
        } else if (route == Route::Items) {
            const bool gzip = m_options.gzip && hasToken(request.acceptEncoding, "gzip");
            error = itemsResponse(query, keepAlive, gzip, response);
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
    if (route == Route::Items && response.status == 200 && response.action == PendingResponse::Action::Send
        && !takeWorker(c, keepAlive, response)) {
        c.queue.push_back(std::move(response)); // answered once a worker is free
        return;
    }
    enqueue(c, std::move(response));
}

QByteArray DemoServer::shapeName(Shape shape)
{
    switch (shape) {
    case Shape::Items:
        return "items";
    case Shape::Drf:
        return "drf";
    case Shape::Github:
        return "github";
    case Shape::Stripe:
        return "stripe";
    case Shape::Page:
        return "page";
    }
    return {};
}

std::optional<DemoServer::Shape> DemoServer::shapeFromName(QByteArrayView name)
{
    for (Shape shape : { Shape::Items, Shape::Drf, Shape::Github, Shape::Stripe, Shape::Page }) {
        if (shapeName(shape) == name)
            return shape;
    }
    return std::nullopt;
}

std::pair<QByteArray, QByteArray> DemoServer::shapedPage(qint64 from, int limit) const
{
    const qint64 count = m_items.pageCount(from, limit);
    const bool more = count > 0 && from + count < m_items.total();
    const qint64 pageNumber = from / limit + 1;
    const QByteArray sizeName = m_options.shape == Shape::Drf ? "page_size" : "per_page";
    const QByteArray nextPath = m_items.basePath() + "?page=" + QByteArray::number(pageNumber + 1) + '&'
        + sizeName + '=' + QByteArray::number(limit);
    const auto items = [&] {
        QByteArray out = "[";
        for (qint64 i = 0; i < count; ++i) {
            if (i > 0)
                out += ',';
            DemoItems::appendItem(out, from + i);
        }
        return out + ']';
    };
    switch (m_options.shape) {
    case Shape::Items: {
        const QByteArray next = m_items.nextPath(from, limit);
        return { m_items.page(from, limit),
            next.isEmpty() ? QByteArray() : "Link: <" + next + ">; rel=\"next\"\r\n" };
    }
    case Shape::Drf: {
        // Django REST framework answers with absolute links.
        const QByteArray base = baseUrl().toEncoded();
        const QByteArray previous = pageNumber > 1 ? '"' + base + m_items.basePath() + "?page="
                + QByteArray::number(pageNumber - 1) + "&page_size=" + QByteArray::number(limit) + '"'
                                                   : QByteArray("null");
        return { R"({"count":)" + QByteArray::number(m_items.total()) + R"(,"next":)"
                + (more ? '"' + base + nextPath + '"' : QByteArray("null")) + R"(,"previous":)" + previous
                + R"(,"results":)" + items() + '}',
            {} };
    }
    case Shape::Github:
        return { items(),
            more ? "Link: <" + baseUrl().toEncoded() + nextPath + ">; rel=\"next\"\r\n" : QByteArray() };
    case Shape::Stripe:
        return { R"({"object":"list","url":")" + m_items.basePath() + R"(","has_more":)"
                + (more ? "true" : "false") + R"(,"data":)" + items() + '}',
            {} };
    case Shape::Page:
        return { R"({"page":)" + QByteArray::number(pageNumber) + R"(,"per_page":)"
                + QByteArray::number(limit) + R"(,"data":)" + items() + '}',
            {} };
    }
    return {};
}

QByteArray DemoServer::itemsResponse(const Query &query, bool keepAlive, bool gzip, PendingResponse &response)
{
    qint64 from = 0;
    int limit = m_options.pageSize;
    const auto count = [](std::optional<QByteArrayView> text, const char *name, qint64 min, qint64 max,
                           auto &out) -> QByteArray {
        if (!text)
            return {};
        const auto value = parseCount(*text);
        if (!value || *value < min || *value > max)
            return "invalid '" + QByteArray(name) + "' parameter " + quoted(*text)
                + ": expected an integer from " + QByteArray::number(min) + " to " + QByteArray::number(max);
        out = static_cast<std::remove_reference_t<decltype(out)>>(*value);
        return {};
    };
    constexpr qint64 Huge = std::numeric_limits<qint64>::max() / 2;
    QByteArray error;
    switch (m_options.shape) {
    case Shape::Items:
        error = count(query.from, "from", 0, Huge, from);
        if (error.isEmpty())
            error = count(query.limit, "limit", 1, DemoItems::MaxPageSize, limit);
        break;
    case Shape::Drf:
    case Shape::Github:
    case Shape::Page: {
        qint64 page = 1;
        error = count(query.page, "page", 1, Huge / DemoItems::MaxPageSize, page);
        if (error.isEmpty())
            error = count(query.pageSize, m_options.shape == Shape::Drf ? "page_size" : "per_page", 1,
                DemoItems::MaxPageSize, limit);
        from = (page - 1) * limit;
        break;
    }
    case Shape::Stripe: {
        qint64 after = -1;
        error = count(query.limit, "limit", 1, DemoItems::MaxPageSize, limit);
        if (error.isEmpty())
            error = count(query.startingAfter, "starting_after", 0, Huge, after);
        from = after + 1;
        break;
    }
    }
    if (!error.isEmpty())
        return error;
    auto &cache = gzip ? m_gzipPageCache : m_pageCache;
    auto it = cache.constFind({ from, limit });
    if (it == cache.cend()) {
        if (cache.size() >= PageCacheLimit)
            cache.clear(); // a crawl of distinct pages: start over rather than grow without bound
        auto [body, headers] = shapedPage(from, limit);
        if (gzip) {
            body = gzipCompress(body);
            headers += "Content-Encoding: gzip\r\n";
        }
        const QByteArray bytes = buildResponse(200, body, true, headers);
        it = cache.insert({ from, limit }, { bytes, bytes.size() - body.size() });
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
    case Fault::Malformed: { // a strict prefix of a JSON object (or of a gzip stream) is never valid
        const bool gzipped
            = QByteArrayView(response.bytes).first(response.headSize).contains("Content-Encoding: gzip");
        response.bytes = buildResponse(
            200, body.first(body.size() / 2), keepAlive, gzipped ? "Content-Encoding: gzip\r\n" : "");
        break;
    }
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
