#include "formatcheckers.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSet>

#include <cmath>
#include <utility>

namespace FormatCheck {

namespace {

QJsonObject parseObject(const QByteArray &json, QStringList &problems)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        problems << QStringLiteral("not a JSON object: %1").arg(error.errorString());
        return {};
    }
    return document.object();
}

//! Checks `object[key]` has the JSON type `type`; returns false (and records why) otherwise.
bool require(const QJsonObject &object, const QString &key, QJsonValue::Type type, const QString &where,
    QStringList &problems)
{
    if (!object.contains(key)) {
        problems << QStringLiteral("%1: missing '%2'").arg(where, key);
        return false;
    }
    if (object.value(key).type() != type) {
        problems << QStringLiteral("%1: '%2' has the wrong type").arg(where, key);
        return false;
    }
    return true;
}

struct Span
{
    double start;
    double end;
};

} // namespace

QStringList chromeTrace(const QByteArray &json)
{
    QStringList problems;
    const QJsonObject root = parseObject(json, problems);
    if (!problems.isEmpty()
        || !require(root, QStringLiteral("traceEvents"), QJsonValue::Array, QStringLiteral("root"), problems))
        return problems;
    const QJsonArray events = root.value(QStringLiteral("traceEvents")).toArray();
    QMap<std::pair<qint64, qint64>, double> lastTs;
    QMap<std::pair<qint64, qint64>, QList<Span>> openSlices;
    QMap<QString, double> openAsync; // "phase-pair|cat|id" -> begin ts
    QSet<std::pair<qint64, qint64>> namedTracks;
    QSet<std::pair<qint64, qint64>> usedTracks;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QString where = QStringLiteral("event %1").arg(i);
        if (!events.at(i).isObject()) {
            problems << where + QStringLiteral(": not an object");
            continue;
        }
        const QJsonObject e = events.at(i).toObject();
        if (!require(e, QStringLiteral("ph"), QJsonValue::String, where, problems)
            || !require(e, QStringLiteral("name"), QJsonValue::String, where, problems)
            || !require(e, QStringLiteral("pid"), QJsonValue::Double, where, problems)
            || !require(e, QStringLiteral("tid"), QJsonValue::Double, where, problems))
            continue;
        const QString ph = e.value(QStringLiteral("ph")).toString();
        const std::pair<qint64, qint64> track { e.value(QStringLiteral("pid")).toInteger(),
            e.value(QStringLiteral("tid")).toInteger() };
        if (ph == u"M") {
            const QString name = e.value(QStringLiteral("name")).toString();
            const QJsonObject args = e.value(QStringLiteral("args")).toObject();
            if (name == u"process_name" || name == u"thread_name") {
                if (!args.value(QStringLiteral("name")).isString())
                    problems << where + QStringLiteral(": %1 without args.name").arg(name);
                if (name == u"thread_name")
                    namedTracks.insert(track);
            } else if (name == u"thread_sort_index" || name == u"process_sort_index") {
                if (!args.value(QStringLiteral("sort_index")).isDouble())
                    problems << where + QStringLiteral(": %1 without args.sort_index").arg(name);
            } else {
                problems << where + QStringLiteral(": unknown metadata '%1'").arg(name);
            }
            continue;
        }
        usedTracks.insert(track);
        if (!require(e, QStringLiteral("ts"), QJsonValue::Double, where, problems))
            continue;
        const double ts = e.value(QStringLiteral("ts")).toDouble();
        if (ts < 0)
            problems << where + QStringLiteral(": negative ts");
        if (lastTs.contains(track) && ts < lastTs.value(track))
            problems << where
                    + QStringLiteral(": ts %1 goes back on track %2 (after %3)")
                          .arg(ts)
                          .arg(track.second)
                          .arg(lastTs.value(track));
        lastTs[track] = ts;
        if (ph == u"X") {
            if (!require(e, QStringLiteral("dur"), QJsonValue::Double, where, problems))
                continue;
            const double dur = e.value(QStringLiteral("dur")).toDouble();
            if (dur < 0)
                problems << where + QStringLiteral(": negative dur");
            auto &stack = openSlices[track];
            while (!stack.isEmpty()) {
                const Span &top = stack.last();
                if (ts >= top.start && ts + dur <= top.end)
                    break; // nests inside the enclosing slice
                if (top.end <= ts) {
                    stack.removeLast(); // ended before this one begins
                    continue;
                }
                problems << where
                        + QStringLiteral(": slice [%1, %2] overlaps [%3, %4]")
                              .arg(ts)
                              .arg(ts + dur)
                              .arg(top.start)
                              .arg(top.end);
                break;
            }
            stack.append(Span { ts, ts + dur });
        } else if (ph == u"b" || ph == u"e" || ph == u"s" || ph == u"f") {
            if (!e.contains(QStringLiteral("id"))) {
                problems << where + QStringLiteral(": %1 without id").arg(ph);
                continue;
            }
            if (!require(e, QStringLiteral("cat"), QJsonValue::String, where, problems))
                continue;
            const bool begins = ph == u"b" || ph == u"s";
            const QString pair = ph == u"b" || ph == u"e" ? QStringLiteral("async") : QStringLiteral("flow");
            const QString key = QStringLiteral("%1|%2|%3")
                                    .arg(pair, e.value(QStringLiteral("cat")).toString(),
                                        e.value(QStringLiteral("id")).toVariant().toString());
            if (begins) {
                if (openAsync.contains(key))
                    problems << where + QStringLiteral(": %1 %2 begins twice").arg(pair, key);
                openAsync.insert(key, ts);
            } else if (!openAsync.contains(key)) {
                problems << where + QStringLiteral(": %1 ends without a begin").arg(key);
            } else {
                if (ts < openAsync.value(key))
                    problems << where + QStringLiteral(": %1 ends before it begins").arg(key);
                openAsync.remove(key);
            }
            if (ph == u"f" && e.value(QStringLiteral("bp")).toString() != u"e")
                problems << where + QStringLiteral(": flow end without bp:\"e\"");
        } else if (ph == u"i") {
            const QString scope = e.value(QStringLiteral("s")).toString();
            if (scope != u"t" && scope != u"p" && scope != u"g")
                problems << where + QStringLiteral(": instant without a scope");
        } else {
            problems << where + QStringLiteral(": unexpected phase '%1'").arg(ph);
        }
    }
    for (auto it = openAsync.cbegin(); it != openAsync.cend(); ++it)
        problems << QStringLiteral("%1 never ends").arg(it.key());
    for (const auto &track : std::as_const(usedTracks)) {
        if (!namedTracks.contains(track))
            problems << QStringLiteral("track %1 has no thread_name").arg(track.second);
    }
    return problems;
}

QStringList har(const QByteArray &json)
{
    QStringList problems;
    const QJsonObject root = parseObject(json, problems);
    if (!problems.isEmpty()
        || !require(root, QStringLiteral("log"), QJsonValue::Object, QStringLiteral("root"), problems))
        return problems;
    const QJsonObject log = root.value(QStringLiteral("log")).toObject();
    if (log.value(QStringLiteral("version")).toString() != u"1.2")
        problems << QStringLiteral("log.version is not \"1.2\"");
    if (require(log, QStringLiteral("creator"), QJsonValue::Object, QStringLiteral("log"), problems)) {
        const QJsonObject creator = log.value(QStringLiteral("creator")).toObject();
        require(creator, QStringLiteral("name"), QJsonValue::String, QStringLiteral("creator"), problems);
        require(creator, QStringLiteral("version"), QJsonValue::String, QStringLiteral("creator"), problems);
    }
    if (!require(log, QStringLiteral("entries"), QJsonValue::Array, QStringLiteral("log"), problems))
        return problems;
    const QJsonArray entries = log.value(QStringLiteral("entries")).toArray();
    QDateTime previous;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QString where = QStringLiteral("entry %1").arg(i);
        const QJsonObject entry = entries.at(i).toObject();
        if (require(entry, QStringLiteral("startedDateTime"), QJsonValue::String, where, problems)) {
            const QDateTime started = QDateTime::fromString(
                entry.value(QStringLiteral("startedDateTime")).toString(), Qt::ISODateWithMs);
            if (!started.isValid())
                problems << where + QStringLiteral(": startedDateTime is not ISO 8601");
            else if (previous.isValid() && started < previous)
                problems << where + QStringLiteral(": entries are not sorted by startedDateTime");
            previous = started;
        }
        require(entry, QStringLiteral("time"), QJsonValue::Double, where, problems);
        require(entry, QStringLiteral("cache"), QJsonValue::Object, where, problems);
        const QString req = where + QStringLiteral(".request");
        if (require(entry, QStringLiteral("request"), QJsonValue::Object, where, problems)) {
            const QJsonObject r = entry.value(QStringLiteral("request")).toObject();
            for (const char *key : { "method", "url", "httpVersion" })
                require(r, QString::fromLatin1(key), QJsonValue::String, req, problems);
            for (const char *key : { "cookies", "headers", "queryString" })
                require(r, QString::fromLatin1(key), QJsonValue::Array, req, problems);
            for (const char *key : { "headersSize", "bodySize" })
                require(r, QString::fromLatin1(key), QJsonValue::Double, req, problems);
            for (const QJsonValue &header : r.value(QStringLiteral("headers")).toArray()) {
                if (!header.toObject().value(QStringLiteral("name")).isString()
                    || !header.toObject().value(QStringLiteral("value")).isString())
                    problems << req + QStringLiteral(": a header without name and value strings");
            }
        }
        const QString res = where + QStringLiteral(".response");
        if (require(entry, QStringLiteral("response"), QJsonValue::Object, where, problems)) {
            const QJsonObject r = entry.value(QStringLiteral("response")).toObject();
            require(r, QStringLiteral("status"), QJsonValue::Double, res, problems);
            for (const char *key : { "statusText", "httpVersion", "redirectURL" })
                require(r, QString::fromLatin1(key), QJsonValue::String, res, problems);
            for (const char *key : { "cookies", "headers" })
                require(r, QString::fromLatin1(key), QJsonValue::Array, res, problems);
            for (const char *key : { "headersSize", "bodySize" })
                require(r, QString::fromLatin1(key), QJsonValue::Double, res, problems);
            if (require(r, QStringLiteral("content"), QJsonValue::Object, res, problems)) {
                const QJsonObject content = r.value(QStringLiteral("content")).toObject();
                require(content, QStringLiteral("size"), QJsonValue::Double, res + QStringLiteral(".content"),
                    problems);
                require(content, QStringLiteral("mimeType"), QJsonValue::String,
                    res + QStringLiteral(".content"), problems);
            }
        }
        if (require(entry, QStringLiteral("timings"), QJsonValue::Object, where, problems)) {
            const QJsonObject t = entry.value(QStringLiteral("timings")).toObject();
            double sum = 0;
            for (const char *key : { "send", "wait", "receive" }) {
                if (require(t, QString::fromLatin1(key), QJsonValue::Double,
                        where + QStringLiteral(".timings"), problems)) {
                    const double v = t.value(QString::fromLatin1(key)).toDouble();
                    if (v < 0)
                        problems << where
                                + QStringLiteral(".timings.%1 is negative").arg(QLatin1StringView(key));
                    sum += std::max(v, 0.0);
                }
            }
            for (const char *key : { "blocked", "dns", "connect", "ssl" }) {
                if (!t.contains(QString::fromLatin1(key)))
                    continue;
                const double v = t.value(QString::fromLatin1(key)).toDouble(-2);
                if (v < -1)
                    problems << where + QStringLiteral(".timings.%1 is below -1").arg(QLatin1StringView(key));
                // HAR 1.2: the TLS handshake ("ssl") is also counted in "connect", not twice in "time".
                if (qstrcmp(key, "ssl") != 0)
                    sum += std::max(v, 0.0);
                else if (v > std::max(t.value(QStringLiteral("connect")).toDouble(-1), 0.0) + 1e-3)
                    problems << where
                            + QStringLiteral(".timings.ssl is longer than connect, which includes it");
            }
            if (std::abs(sum - entry.value(QStringLiteral("time")).toDouble()) > 1e-3)
                problems << where + QStringLiteral(": time is not the sum of the timings");
        }
    }
    return problems;
}

} // namespace FormatCheck
