#pragma once

#include "scheduler/errors.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QUrl>

#include <cstdint>
#include <optional>

namespace Loopscope {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

//! Value of the first header named `name` (case-insensitive), or an empty array.
QByteArray headerValue(const HttpHeaders &headers, QByteArrayView name);

//! What a redacted header's value becomes in traces, HAR files and logs.
inline constexpr QByteArrayView RedactedValue = "[redacted]";

//! Whether a header carries a credential by its name alone: Authorization, Proxy-Authorization,
//! Cookie, and names with "token", "secret", "key", "password" or "auth" in them (X-Api-Key...).
bool isSecretHeaderName(QByteArrayView name);

//! Whether a header carries a credential: by its name, or named in `secretNames` (any case).
bool isSecretHeader(QByteArrayView name, const QList<QByteArray> &secretNames);

//! `headers` with the values of secret ones (by name, or named in `secretNames`) replaced by
//! RedactedValue: what may be written down.
HttpHeaders redactedHeaders(const HttpHeaders &headers, const QList<QByteArray> &secretNames = {});

//! Whether a query parameter carries a credential by its name alone: api_key, access_token,
//! client_secret, signature, X-Amz-Credential... (exact names, case-insensitive: a pageToken or a
//! next_key is a cursor, not a secret).
bool isSecretQueryName(QStringView name);

//! `url` as it may be written down (traces, HAR files, manifests, titles, settings): without its
//! password, and with the values of secret query parameters (isSecretQueryName()) replaced by
//! RedactedValue.
QUrl redactedUrl(const QUrl &url);

//! Whether `url` holds RedactedValue where a secret was (a password, a query value): as written
//! down by redactedUrl(), it cannot be asked for as it is.
bool holdsRedactedValues(const QUrl &url);

//! `link` (as written down by redactedUrl()) with the values it lost taken back from `original`,
//! the address the user gave, parameter by parameter: what to ask for when resuming from a link.
//! Names of the parameters that `original` cannot give back go in `missing`.
QUrl unredactedUrl(const QUrl &link, const QUrl &original, QStringList *missing);

//! The port `url` is reached on: its own, else its scheme's (443 for https, 80 for http).
quint16 portOf(const QUrl &url);

//! Whether `to` has the origin of `from` (scheme, host and port): where credentials may go.
bool sameOrigin(const QUrl &from, const QUrl &to);

//! `headers`, given for a request to `from`, as they may go to `to`: all of them to the same
//! origin, none that carries credentials (isSecretHeader()) to another, as curl and browsers do.
HttpHeaders headersBound(
    const QUrl &from, const QUrl &to, HttpHeaders headers, const QList<QByteArray> &secretNames);

//! The secret values a request to `url` with `headers` carries, as text may quote them (a server's
//! error, a message): values of secret headers (isSecretHeader()) and their credentials without
//! the scheme ("Bearer abc" -> "abc"), the URL's password and its Basic credentials, values of
//! secret query parameters (decoded and percent-encoded). The longest first; none under 4
//! characters (masking "a" would mask every a).
QStringList secretValues(
    const QUrl &url, const HttpHeaders &headers, const QList<QByteArray> &secretNames = {});

//! `text` with each of `secrets` replaced by RedactedValue.
QString withSecretsMasked(QString text, const QStringList &secrets);

//! Whether `name` can name an environment variable (letters, digits and _, not starting with a
//! digit): what a NAME=VAR may hold, as opposed to a value pasted by mistake.
bool isEnvironmentVariableName(QStringView name);

//! The user name and password of `url` as the value of a Basic Authorization header (empty if it
//! has none), as curl and browsers send them.
QByteArray basicAuthorization(const QUrl &url);

//! The user name and password of `url` leave it for an Authorization header (Basic) in
//! `headers`, unless one is there: what is sent is the same, what is written down (the URL) holds
//! no password.
void moveCredentialsToHeader(QUrl &url, HttpHeaders &headers);

//! Parses "Name: value" (as curl's -H); an error message for anything else.
std::optional<QPair<QByteArray, QByteArray>> parseHeaderLine(const QString &line, QString *error);

//! "NAME=VAR": header NAME with the value of environment variable VAR (a token kept off command
//! lines and settings). Errors never contain the value.
std::optional<QPair<QByteArray, QByteArray>> headerFromEnvironment(
    const QString &nameAndVariable, QString *error);

struct HttpRequest
{
    QByteArray method = "GET";
    QUrl url;
    HttpHeaders headers;
    QByteArray body;
};

struct HttpResponse
{
    int status = 0;
    QByteArray reason;
    HttpHeaders headers;
    QByteArray body;
    QUrl url;                      //!< the URL that answered (after redirects)
    int attempts = 1;              //!< how many tries it took
    std::int64_t firstByteNs = -1; //!< scheduler clock
    std::int64_t endNs = -1;

    QByteArray header(QByteArrayView name) const { return headerValue(headers, name); }
    bool isSuccess() const { return status >= 200 && status < 300; }
};

//! When the steps of one exchange happened (the scheduler's clock; -1: not needed, or not reached).
struct ExchangeTimings
{
    int connection = 0;             //!< the number of the connection that carried it in its client
    std::int64_t connectNs = -1;    //!< began opening the connection (-1: an open one was reused)
    std::int64_t dnsEndNs = -1;     //!< the host's address known
    std::int64_t connectEndNs = -1; //!< TCP connected
    std::int64_t tlsEndNs = -1;     //!< TLS handshake done
    std::int64_t sentNs = -1;       //!< the request handed to the network
};

//! How a response appears in the trace when a task returns one: "200 OK · 3.8 KB".
QString formatForTrace(const HttpResponse &response);

/*!
 * A failed HTTP exchange. `retryable` says whether trying again may help (connection errors,
 * time-outs, truncated responses) as opposed to errors that will repeat (a malformed URL).
 */
class HttpError : public Error
{
public:
    //! Tls: the server's certificate was refused (not trusted, wrong host name, expired), or the
    //! handshake cannot succeed with this server (no TLS version in common, a client certificate
    //! demanded): asking again would meet the same, so it is not retried.
    //! NoSuchHost: the name has no address (a typo, not a hiccup: not tried again).
    //! Undecodable: a body in an encoding not supported, or inflating past the limit: it would
    //! arrive the same again.
    //! UnsafeRedirect: a redirect not followed, as following it would expose the request (https
    //! to http).
    enum class Kind { Connection, Timeout, Protocol, Usage, Tls, NoSuchHost, Undecodable, UnsafeRedirect };
    HttpError(Kind kind, const QString &message);
    Kind kind() const { return m_kind; }
    bool isRetryable() const
    {
        return m_kind == Kind::Connection || m_kind == Kind::Timeout || m_kind == Kind::Protocol;
    }
    //! How many attempts were made before giving up (HttpClient::send() sets it).
    int attempts() const { return m_attempts; }
    void setAttempts(int attempts) { m_attempts = attempts; }

private:
    Kind m_kind;
    int m_attempts = 1;
};

} // namespace Loopscope
