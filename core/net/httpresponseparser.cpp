#include "net/httpresponseparser.h"

#include <algorithm>
#include <cctype>

namespace Loopscope {

QByteArray headerValue(const HttpHeaders &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool isSecretHeaderName(QByteArrayView name)
{
    const QByteArray lower = name.toByteArray().toLower();
    if (lower == "authorization" || lower == "proxy-authorization" || lower == "cookie"
        || lower == "set-cookie")
        return true;
    for (const char *word : { "token", "secret", "key", "password", "passwd", "auth", "session", "signature",
             "credential", "jwt" }) {
        if (lower.contains(word))
            return true;
    }
    return false;
}

bool isSecretHeader(QByteArrayView name, const QList<QByteArray> &secretNames)
{
    return isSecretHeaderName(name)
        || std::any_of(secretNames.begin(), secretNames.end(),
            [name](const QByteArray &secret) { return secret.compare(name, Qt::CaseInsensitive) == 0; });
}

HttpHeaders redactedHeaders(const HttpHeaders &headers, const QList<QByteArray> &secretNames)
{
    HttpHeaders shown = headers;
    for (auto &[name, value] : shown) {
        if (isSecretHeader(name, secretNames))
            value = RedactedValue.toByteArray();
    }
    return shown;
}

bool isSecretQueryName(QStringView name)
{
    static const QStringList secret { "api_key", "apikey", "api-key", "key", "access_token", "token", "auth",
        "auth_token", "authorization", "client_secret", "secret", "password", "passwd", "pwd", "signature",
        "sig", "x-amz-signature", "x-amz-credential", "x-amz-security-token", "session", "sessionid",
        "session_id", "jwt", "private_token", "api_token", "apitoken", "access_key", "accesskey",
        "secret_key", "code" };
    return secret.contains(name, Qt::CaseInsensitive);
}

namespace {

//! The query's "name=value" segments, in order (FullyEncoded).
QStringList querySegments(const QUrl &url)
{
    return url.query(QUrl::FullyEncoded).split(u'&');
}

QStringView segmentName(QStringView segment)
{
    const qsizetype equals = segment.indexOf(u'=');
    return equals < 0 ? segment : segment.left(equals);
}

//! A segment with a value, under a name that says it is a secret (isSecretQueryName()).
bool isSecretSegment(QStringView segment)
{
    const QStringView name = segmentName(segment);
    return name.size() < segment.size() && isSecretQueryName(QUrl::fromPercentEncoding(name.toLatin1()));
}

bool isRedactedSegment(QStringView segment)
{
    const QStringView value = segment.mid(segmentName(segment).size() + 1);
    return value == QLatin1String(RedactedValue)
        || value.compare(QLatin1String("%5Bredacted%5D"), Qt::CaseInsensitive) == 0;
}

} // namespace

QUrl redactedUrl(const QUrl &url)
{
    QUrl shown = url;
    if (!shown.password().isEmpty())
        shown.setPassword(QString::fromLatin1(RedactedValue));
    if (!shown.hasQuery())
        return shown;
    QStringList segments = querySegments(url);
    bool changed = false;
    for (QString &segment : segments) {
        if (isSecretSegment(segment)) {
            segment = segmentName(segment).toString() + u'=' + QLatin1String(RedactedValue);
            changed = true;
        }
    }
    if (changed)
        shown.setQuery(segments.join(u'&'));
    return shown;
}

bool holdsRedactedValues(const QUrl &url)
{
    if (url.password() == QLatin1String(RedactedValue))
        return true;
    if (!url.hasQuery())
        return false;
    const QStringList segments = querySegments(url);
    return std::any_of(
        segments.begin(), segments.end(), [](const QString &segment) { return isRedactedSegment(segment); });
}

QUrl unredactedUrl(const QUrl &link, const QUrl &original, QStringList *missing)
{
    QUrl restored = link;
    if (link.password() == QLatin1String(RedactedValue))
        restored.setPassword(original.password());
    if (!link.hasQuery())
        return restored;
    const QStringList given = querySegments(original);
    QStringList segments = querySegments(link);
    bool changed = false;
    for (QString &segment : segments) {
        if (!isRedactedSegment(segment))
            continue;
        const QStringView name = segmentName(segment);
        const auto from = std::find_if(given.begin(), given.end(),
            [name](const QString &candidate) { return segmentName(candidate) == name; });
        if (from == given.end() || isRedactedSegment(*from)) {
            missing->append(QUrl::fromPercentEncoding(name.toLatin1()));
            continue;
        }
        segment = *from;
        changed = true;
    }
    if (changed)
        restored.setQuery(segments.join(u'&'));
    return restored;
}

quint16 portOf(const QUrl &url)
{
    return static_cast<quint16>(url.port(url.scheme() == QLatin1String("https") ? 443 : 80));
}

bool sameOrigin(const QUrl &from, const QUrl &to)
{
    return from.scheme() == to.scheme() && from.host().compare(to.host(), Qt::CaseInsensitive) == 0
        && portOf(from) == portOf(to);
}

HttpHeaders headersBound(
    const QUrl &from, const QUrl &to, HttpHeaders headers, const QList<QByteArray> &secretNames)
{
    if (!sameOrigin(from, to))
        headers.removeIf(
            [&secretNames](const auto &header) { return isSecretHeader(header.first, secretNames); });
    return headers;
}

QStringList secretValues(const QUrl &url, const HttpHeaders &headers, const QList<QByteArray> &secretNames)
{
    QStringList secrets;
    const auto add = [&secrets](const QString &secret) {
        if (secret.size() >= 4 && secret != QLatin1String(RedactedValue))
            secrets.append(secret);
    };
    for (const auto &[name, value] : headers) {
        if (!isSecretHeader(name, secretNames))
            continue;
        add(QString::fromUtf8(value).trimmed());
        const QList<QByteArray> words = value.trimmed().split(' ');
        for (const QByteArray &word : words.mid(1))
            add(QString::fromUtf8(word));
    }
    add(url.password(QUrl::FullyDecoded));
    add(url.password(QUrl::FullyEncoded));
    add(QString::fromLatin1(basicAuthorization(url).mid(6))); // after "Basic "
    for (const QString &segment : querySegments(url)) {
        if (!isSecretSegment(segment))
            continue;
        const QString encoded = segment.mid(segmentName(segment).size() + 1);
        add(encoded);
        add(QUrl::fromPercentEncoding(encoded.toLatin1()));
    }
    secrets.removeDuplicates();
    std::sort(secrets.begin(), secrets.end(),
        [](const QString &a, const QString &b) { return a.size() > b.size(); });
    return secrets;
}

QString withSecretsMasked(QString text, const QStringList &secrets)
{
    for (const QString &secret : secrets)
        text.replace(secret, QLatin1String(RedactedValue));
    return text;
}

bool isEnvironmentVariableName(QStringView name)
{
    return !name.isEmpty() && !name.front().isDigit() && std::all_of(name.begin(), name.end(), [](QChar c) {
        return (c.unicode() < 128 && c.isLetterOrNumber()) || c == u'_';
    });
}

QByteArray basicAuthorization(const QUrl &url)
{
    if (url.userInfo().isEmpty())
        return {};
    const QByteArray pair
        = url.userName(QUrl::FullyDecoded).toUtf8() + ':' + url.password(QUrl::FullyDecoded).toUtf8();
    return "Basic " + pair.toBase64();
}

void moveCredentialsToHeader(QUrl &url, HttpHeaders &headers)
{
    if (url.userInfo().isEmpty())
        return;
    if (headerValue(headers, "Authorization").isEmpty())
        headers.append({ "Authorization", basicAuthorization(url) });
    url.setUserInfo({});
}

std::optional<QPair<QByteArray, QByteArray>> parseHeaderLine(const QString &line, QString *error)
{
    const qsizetype colon = line.indexOf(u':');
    const QByteArray name = line.left(colon).trimmed().toLatin1();
    const bool token = !name.isEmpty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
    });
    if (colon < 0 || !token) {
        // Never the whole line: it may hold a token ("Authorization Bearer ...").
        *error = colon < 0 ? QStringLiteral("a header has no colon: write it as \"Name: value\"")
                           : QStringLiteral("\"%1\" is not a header name: write it as \"Name: value\"")
                                 .arg(line.left(colon).trimmed());
        return std::nullopt;
    }
    const QString value = line.mid(colon + 1).trimmed();
    if (value.contains(u'\r') || value.contains(u'\n')) {
        *error = QStringLiteral("the value of header %1 has a line break").arg(QString::fromLatin1(name));
        return std::nullopt;
    }
    return QPair<QByteArray, QByteArray> { name, value.toUtf8() };
}

std::optional<QPair<QByteArray, QByteArray>> headerFromEnvironment(
    const QString &nameAndVariable, QString *error)
{
    const qsizetype equals = nameAndVariable.indexOf(u'=');
    const QString name = nameAndVariable.left(equals).trimmed();
    const QByteArray variable = nameAndVariable.mid(equals + 1).trimmed().toLocal8Bit();
    if (equals < 0 || name.isEmpty() || variable.isEmpty()) {
        // Not what was given: a token pasted here by mistake would be shown.
        *error = QStringLiteral(
            "write NAME=VAR: the header, and the name of the environment variable holding its value");
        return std::nullopt;
    }
    if (!isEnvironmentVariableName(QString::fromLocal8Bit(variable))) {
        // Not shown: it looks like a value, perhaps the token itself.
        *error = QStringLiteral("%1=... must name an environment variable (letters, digits and _), not give "
                                "its value")
                     .arg(name);
        return std::nullopt;
    }
    if (!qEnvironmentVariableIsSet(variable.constData())) {
        *error
            = QStringLiteral("the environment variable %1 is not set").arg(QString::fromLocal8Bit(variable));
        return std::nullopt;
    }
    if (qEnvironmentVariable(variable.constData()).trimmed().isEmpty()) {
        *error = QStringLiteral("the environment variable %1 is empty").arg(QString::fromLocal8Bit(variable));
        return std::nullopt;
    }
    QString ignored; // it would quote the value
    auto header
        = parseHeaderLine(name + QStringLiteral(": ") + qEnvironmentVariable(variable.constData()), &ignored);
    if (!header)
        *error = QStringLiteral("\"%1\" is not a header name, or the value of %2 has a line break")
                     .arg(name, QString::fromLocal8Bit(variable));
    return header;
}

HttpError::HttpError(Kind kind, const QString &message)
    : Error(message)
    , m_kind(kind)
{ }

void HttpResponseParser::reset(bool headRequest)
{
    m_state = State::StatusLine;
    m_response = HttpResponse {};
    m_line.clear();
    m_headBytes = 0;
    m_remaining = 0;
    m_headRequest = headRequest;
    m_keepAlive = true;
    m_started = false;
    m_error.clear();
}

void HttpResponseParser::fail(const QString &message)
{
    m_state = State::Error;
    m_error = message;
    m_keepAlive = false;
}

bool HttpResponseParser::takeLine(const char *data, qsizetype size, qsizetype &pos, QByteArray &line)
{
    const char *start = data + pos;
    const void *newline = memchr(start, '\n', static_cast<std::size_t>(size - pos));
    const qsizetype take = newline ? static_cast<const char *>(newline) - start + 1 : size - pos;
    m_headBytes += take;
    if (m_headBytes > MaxHeadBytes) {
        fail(QStringLiteral("the response head is larger than %1 KiB").arg(MaxHeadBytes / 1024));
        return false;
    }
    m_line.append(start, take);
    pos += take;
    if (!newline)
        return false;
    line = m_line;
    m_line.clear();
    line.chop(line.endsWith("\r\n") ? 2 : 1);
    return true;
}

bool HttpResponseParser::parseStatusLine(const QByteArray &line)
{
    // "HTTP/1.1 200 OK"
    if (!line.startsWith("HTTP/1.") || line.size() < 12 || line[8] != ' ') {
        fail(QStringLiteral("not an HTTP/1.x status line: \"%1\"").arg(QString::fromLatin1(line.left(80))));
        return false;
    }
    bool ok = false;
    const int status = line.mid(9, 3).toInt(&ok);
    if (!ok || status < 100 || status > 999) {
        fail(QStringLiteral("invalid HTTP status in \"%1\"").arg(QString::fromLatin1(line.left(80))));
        return false;
    }
    m_response.status = status;
    m_response.reason = line.mid(13);
    m_keepAlive = line[7] == '1';
    return true;
}

bool HttpResponseParser::parseHeaderLine(const QByteArray &line)
{
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0) {
        fail(QStringLiteral("malformed header line \"%1\"").arg(QString::fromLatin1(line.left(80))));
        return false;
    }
    m_response.headers.append({ line.left(colon).trimmed(), line.mid(colon + 1).trimmed() });
    return true;
}

void HttpResponseParser::headersComplete()
{
    const QByteArray connection = m_response.header("Connection").toLower();
    if (connection.contains("close"))
        m_keepAlive = false;
    else if (connection.contains("keep-alive"))
        m_keepAlive = true;
    const bool noBody = m_headRequest || m_response.status == 204 || m_response.status == 304
        || (m_response.status >= 100 && m_response.status < 200);
    if (noBody) {
        m_state = State::Done;
        return;
    }
    if (m_response.header("Transfer-Encoding").toLower().contains("chunked")) {
        m_state = State::ChunkSize;
        return;
    }
    const QByteArray length = m_response.header("Content-Length");
    if (!length.isEmpty()) {
        bool ok = false;
        m_remaining = length.toLongLong(&ok);
        if (!ok || m_remaining < 0) {
            fail(QStringLiteral("invalid Content-Length \"%1\"").arg(QString::fromLatin1(length)));
            return;
        }
        if (m_remaining > MaxBodyBytes) {
            fail(QStringLiteral("the response body is larger than %1 MiB").arg(MaxBodyBytes / (1024 * 1024)));
            return;
        }
        m_response.body.reserve(m_remaining);
        m_state = m_remaining == 0 ? State::Done : State::Body;
        return;
    }
    m_keepAlive = false;
    m_state = State::UntilClose;
}

bool HttpResponseParser::appendBody(const char *data, qsizetype size)
{
    if (m_response.body.size() + size > MaxBodyBytes) {
        fail(QStringLiteral("the response body is larger than %1 MiB").arg(MaxBodyBytes / (1024 * 1024)));
        return false;
    }
    m_response.body.append(data, size);
    return true;
}

void HttpResponseParser::consumeCounted(const char *data, qsizetype size, qsizetype &pos, State next)
{
    const qsizetype take = static_cast<qsizetype>(std::min<qint64>(m_remaining, size - pos));
    if (!appendBody(data + pos, take))
        return;
    pos += take;
    m_remaining -= take;
    if (m_remaining == 0)
        m_state = next;
}

qsizetype HttpResponseParser::feed(const char *data, qsizetype size)
{
    if (size > 0)
        m_started = true;
    qsizetype pos = 0;
    QByteArray line;
    while (pos < size && m_state != State::Done && m_state != State::Error) {
        switch (m_state) {
        case State::StatusLine:
            if (takeLine(data, size, pos, line) && !line.isEmpty() && parseStatusLine(line))
                m_state = State::Headers;
            break;
        case State::Headers:
            if (!takeLine(data, size, pos, line))
                break;
            if (line.isEmpty())
                headersComplete();
            else
                parseHeaderLine(line);
            break;
        case State::Body:
            consumeCounted(data, size, pos, State::Done);
            break;
        case State::ChunkSize: {
            if (!takeLine(data, size, pos, line))
                break;
            bool ok = false;
            const qsizetype semicolon = line.indexOf(';');
            m_remaining = (semicolon >= 0 ? line.left(semicolon) : line).trimmed().toLongLong(&ok, 16);
            if (!ok || m_remaining < 0) {
                fail(QStringLiteral("invalid chunk size \"%1\"").arg(QString::fromLatin1(line.left(40))));
                break;
            }
            m_headBytes = 0; // chunk lines are not part of the head limit
            m_state = m_remaining == 0 ? State::Trailer : State::ChunkData;
            break;
        }
        case State::ChunkData:
            consumeCounted(data, size, pos, State::ChunkDataEnd);
            break;
        case State::ChunkDataEnd:
            if (takeLine(data, size, pos, line)) {
                m_headBytes = 0;
                if (!line.isEmpty())
                    fail(QStringLiteral("chunk data is longer than its announced size"));
                else
                    m_state = State::ChunkSize;
            }
            break;
        case State::Trailer:
            if (takeLine(data, size, pos, line) && line.isEmpty())
                m_state = State::Done;
            break;
        case State::UntilClose:
            if (appendBody(data + pos, size - pos))
                pos = size;
            break;
        case State::Done:
        case State::Error:
            break;
        }
    }
    return pos;
}

void HttpResponseParser::finishAtEndOfStream()
{
    if (m_state == State::UntilClose) {
        m_state = State::Done;
    } else if (m_state != State::Done && m_state != State::Error) {
        fail(m_started ? QStringLiteral("the connection closed before the response was complete")
                       : QStringLiteral("the connection closed without a response"));
    }
}

} // namespace Loopscope
