#include "net/landingzone.h"

#include "net/httpmessage.h"
#include "scheduler/errors.h"

#include <algorithm>
#include <tuple>

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

namespace Loopscope {

QJsonObject retrievalIdentityJson(const RetrievalIdentity &identity)
{
    QJsonObject json { { QStringLiteral("loopscope_manifest"), 1 }, { QStringLiteral("url"), identity.url },
        { QStringLiteral("page_size"), identity.pageSize }, { QStringLiteral("style"), identity.style },
        { QStringLiteral("offset_param"), identity.offsetParam },
        { QStringLiteral("limit_param"), identity.limitParam } };
    if (!identity.shard.isEmpty())
        json.insert(QStringLiteral("shard"), identity.shard);
    return json;
}

namespace {

void appendJsonString(QByteArray &out, const QString &text)
{
    static constexpr char Hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : text.toUtf8()) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20) {
            out += "\\u00";
            out += Hex[byte >> 4];
            out += Hex[byte & 0xf];
        } else {
            out += c;
        }
    }
    out += '"';
}

void appendMember(QByteArray &out, const char *name, qint64 value)
{
    out += ",\"";
    out += name;
    out += "\":";
    out += QByteArray::number(value);
}

void appendMember(QByteArray &out, const char *name, const QString &value)
{
    out += ",\"";
    out += name;
    out += "\":";
    appendJsonString(out, value);
}

//! How the retrieval a manifest names differs from `expected`: "its page_size is 50, this one's 10".
QString identityDifference(const QJsonObject &found, const QJsonObject &expected)
{
    QStringList keys = found.keys() + expected.keys();
    keys.removeDuplicates();
    QStringList differences;
    const auto text = [](const QJsonValue &value) {
        return value.isUndefined()
            ? QStringLiteral("none")
            : QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact).chopped(1).sliced(1);
    };
    for (const QString &key : std::as_const(keys)) {
        if (found.value(key) != expected.value(key))
            differences << QStringLiteral("its %1 is %2, this one's %3")
                               .arg(key, text(found.value(key)), text(expected.value(key)));
    }
    return differences.join(QStringLiteral("; "));
}

//! `path` with its links followed, so that two names of one file share one manifest and one lock.
QString resolvedPath(const QString &path)
{
    const QFileInfo info(path);
    if (info.exists())
        return info.canonicalFilePath();
    const QString folder = QFileInfo(info.absolutePath()).canonicalFilePath();
    return folder.isEmpty() ? path : QDir(folder).filePath(info.fileName());
}

//! A lock on `dataPath`'s output, taken if no live process holds it (a lock left by a process that
//! died is stale: its pid is gone). Empty if taken, else who holds it: "process 12 on host, app".
std::pair<std::unique_ptr<QLockFile>, QString> tryToLock(const QString &dataPath)
{
    auto lock = std::make_unique<QLockFile>(LandingZone::lockPathFor(dataPath));
    lock->setStaleLockTime(0);
    if (lock->tryLock(0) || lock->error() != QLockFile::LockFailedError)
        return { std::move(lock), QString() };
    qint64 pid = 0;
    QString host, application;
    lock->getLockInfo(&pid, &host, &application);
    return { std::move(lock),
        QStringLiteral("process %1%2%3")
            .arg(pid)
            .arg(host.isEmpty() ? QString() : QStringLiteral(" on ") + host,
                application.isEmpty() ? QString() : QStringLiteral(", ") + application) };
}

} // namespace

QByteArray pageRecordLine(const PageRecord &r)
{
    QByteArray line;
    line.reserve(160 + r.url.size() + r.next.size() + r.error.size());
    line += "{\"page\":";
    line += QByteArray::number(r.page);
    appendMember(line, "url", r.url);
    appendMember(line, "status", r.status);
    appendMember(line, "items", r.items);
    appendMember(line, "bytes", r.bytes);
    appendMember(line, "attempts", r.attempts);
    if (r.landed()) {
        appendMember(line, "offset", r.fileOffset);
        appendMember(line, "length", r.fileLength);
    } else {
        appendMember(line, "error", r.error);
    }
    if (r.total)
        appendMember(line, "total", *r.total);
    if (!r.next.isEmpty())
        appendMember(line, "next", r.next);
    if (r.unverified)
        line += ",\"unverified\":true";
    line += '}';
    return line;
}

PageRecord pageRecordFromJson(const QJsonObject &o)
{
    PageRecord r;
    r.page = o.value(QStringLiteral("page")).toInteger(-1);
    r.url = o.value(QStringLiteral("url")).toString();
    r.status = o.value(QStringLiteral("status")).toInt();
    r.items = o.value(QStringLiteral("items")).toInteger();
    r.bytes = o.value(QStringLiteral("bytes")).toInteger();
    r.attempts = o.value(QStringLiteral("attempts")).toInt();
    r.error = o.value(QStringLiteral("error")).toString();
    r.fileOffset = o.value(QStringLiteral("offset")).toInteger();
    r.fileLength = o.value(QStringLiteral("length")).toInteger();
    if (o.contains(QStringLiteral("total")))
        r.total = o.value(QStringLiteral("total")).toInteger();
    r.next = o.value(QStringLiteral("next")).toString();
    r.unverified = o.value(QStringLiteral("unverified")).toBool();
    return r;
}

QStringList LandingZone::filesFor(const QString &dataPath)
{
    const QString data = resolvedPath(dataPath);
    return { data, manifestPathFor(data), lockPathFor(data) };
}

LandingZone::LandingZone(const QString &dataPath, const RetrievalIdentity &identity)
    : m_dataPath(resolvedPath(dataPath))
    , m_data(m_dataPath)
    , m_manifest(manifestPathFor(m_dataPath))
{
    lock();
    refuseForeignData();
    openManifest(identity);
    openData();
}

void LandingZone::refuseForeignData() const
{
    // Items are landed only next to a manifest; a file without one is someone else's.
    const QFileInfo data(m_dataPath);
    const QFileInfo manifest(m_manifest.fileName());
    if (data.exists() && data.size() > 0 && (!manifest.exists() || manifest.size() == 0))
        throw Error(QStringLiteral("%1 already exists and was not written by loopscope fetch (it has no "
                                   "manifest %2): choose another --out, or delete it")
                        .arg(m_dataPath, manifest.fileName()));
}

QString LandingZone::writerOf(const QString &dataPath)
{
    return tryToLock(resolvedPath(dataPath)).second;
}

void LandingZone::lock()
{
    // One writer per output: a second retrieval into the same file would interleave pages.
    QString holder;
    std::tie(m_lock, holder) = tryToLock(m_dataPath);
    if (m_lock->isLocked())
        return;
    if (!holder.isEmpty())
        throw Error(QStringLiteral("%1 is being written by another retrieval (%2); wait for it to end, "
                                   "or choose another --out")
                        .arg(m_dataPath, holder));
    throw Error(QStringLiteral("cannot lock %1 for writing (%2.lock): check that its folder is writable")
                    .arg(m_dataPath, m_dataPath));
}

void LandingZone::openManifest(const RetrievalIdentity &identity)
{
    const QJsonObject expected = retrievalIdentityJson(identity);
    if (!m_manifest.open(QIODevice::ReadWrite))
        throw Error(QStringLiteral("cannot open the manifest %1: %2")
                        .arg(m_manifest.fileName(), m_manifest.errorString()));
    qint64 goodEnd = 0;
    bool first = true;
    QString mismatch;
    while (!m_manifest.atEnd()) {
        const QByteArray line = m_manifest.readLine();
        if (!line.endsWith('\n'))
            break; // a torn last line: cut below
        const QJsonDocument document = QJsonDocument::fromJson(line);
        if (!document.isObject())
            break;
        QJsonObject object = document.object();
        if (first) {
            // Manifests written before URLs were redacted hold the secrets themselves.
            object.insert(QStringLiteral("url"),
                redactedUrl(QUrl(object.value(QStringLiteral("url")).toString())).toString());
            if (object != expected)
                mismatch = identityDifference(object, expected);
            first = false;
        } else {
            const PageRecord record = pageRecordFromJson(object);
            if (record.landed())
                noteLanded(record);
        }
        goodEnd = m_manifest.pos();
    }
    if (!mismatch.isEmpty()) {
        // A record of a retrieval that landed nothing (it failed) holds nothing to lose: it gives
        // way to the corrected command.
        if (!m_landed.isEmpty() || QFileInfo(m_dataPath).size() > 0)
            throw Error(
                QStringLiteral("%1 belongs to another retrieval (%2); choose another --out or delete it")
                    .arg(m_dataPath, mismatch));
        goodEnd = 0;
        first = true;
    }
    m_resumed
        = std::count_if(m_landed.cbegin(), m_landed.cend(), [](const PageRecord &r) { return r.items > 0; });
    if (goodEnd < m_manifest.size() && !m_manifest.resize(goodEnd))
        throw Error(QStringLiteral("cannot repair the manifest %1: %2")
                        .arg(m_manifest.fileName(), m_manifest.errorString()));
    m_manifest.seek(goodEnd);
    if (first)
        appendManifest(QJsonDocument(expected).toJson(QJsonDocument::Compact));
}

void LandingZone::openData()
{
    if (!m_data.open(QIODevice::ReadWrite))
        throw Error(QStringLiteral("cannot open %1 for writing: %2").arg(m_dataPath, m_data.errorString()));
    if (m_data.size() > m_dataEnd) {
        // Lines of pages that never reached the manifest (an interrupted run): drop them, they
        // will be fetched again, so nothing lands twice and no line is torn.
        m_discarded = m_data.size() - m_dataEnd;
        if (!m_data.resize(m_dataEnd))
            throw Error(QStringLiteral("cannot truncate %1: %2").arg(m_dataPath, m_data.errorString()));
    } else if (m_data.size() < m_dataEnd) {
        throw Error(QStringLiteral(
            "%1 is shorter than its manifest says (%2 of %3 bytes): it was changed by something "
            "else; choose another --out")
                        .arg(m_dataPath)
                        .arg(m_data.size())
                        .arg(m_dataEnd));
    }
    m_data.seek(m_dataEnd);
}

void LandingZone::noteLanded(const PageRecord &record)
{
    if (!m_landed.contains(record.page))
        m_items += record.items;
    m_landed.insert(record.page, record);
    m_dataEnd = std::max(m_dataEnd, record.fileOffset + record.fileLength);
    if (record.items == 0 && (!m_endPage || record.page < *m_endPage))
        m_endPage = record.page;
    if (record.total)
        m_total = record.total;
    // A page shorter than the fullest one is the last: pages run full until the end. Pages land
    // in any order, so a page that turns out short once a fuller one lands ends it then.
    if (record.items > m_fullPageItems) {
        m_fullPageItems = record.items;
        for (const PageRecord &landed : std::as_const(m_landed))
            noteIfShort(landed);
    } else {
        noteIfShort(record);
    }
}

void LandingZone::noteIfShort(const PageRecord &record)
{
    if (record.items > 0 && record.items < m_fullPageItems && (!m_endPage || record.page + 1 < *m_endPage))
        m_endPage = record.page + 1;
}

LandingZone::~LandingZone()
{
    if (m_pendingData.isEmpty() && m_pendingManifest.isEmpty())
        return;
    write(); // a failure here loses nothing recorded: the pages are not in the manifest
    if (!m_writeError.isEmpty())
        qWarning("loopscope: %s", qPrintable(m_writeError));
}

void LandingZone::setBatched(bool batched)
{
    if (!batched)
        commit();
    m_batched = batched;
    if (batched && !m_writeSoon) {
        m_writeSoon = std::make_unique<QTimer>();
        m_writeSoon->setSingleShot(true);
        m_writeSoon->setInterval(0);
        QObject::connect(m_writeSoon.get(), &QTimer::timeout, [this] { write(); });
    }
}

void LandingZone::commit()
{
    write();
    throwIfFailed();
}

void LandingZone::throwIfFailed() const
{
    if (!m_writeError.isEmpty())
        throw Error(m_writeError);
}

void LandingZone::write()
{
    if (m_writeSoon)
        m_writeSoon->stop();
    if (!m_writeError.isEmpty())
        return; // the first failure stands; nothing after it is written
    // Items first: a manifest line never names bytes that are not in the data file.
    if (!m_pendingData.isEmpty()
        && (m_data.write(m_pendingData) != m_pendingData.size() || !m_data.flush())) {
        m_writeError = QStringLiteral("cannot write %1: %2").arg(m_dataPath, m_data.errorString());
        return;
    }
    m_pendingData.resize(0); // (keeps its memory for the next batch: no page faults every turn)
    if (!m_pendingManifest.isEmpty()
        && (m_manifest.write(m_pendingManifest) != m_pendingManifest.size() || !m_manifest.flush())) {
        m_writeError = QStringLiteral("cannot write the manifest %1: %2")
                           .arg(m_manifest.fileName(), m_manifest.errorString());
        return;
    }
    m_pendingManifest.resize(0);
}

void LandingZone::appendManifest(const QByteArray &line)
{
    throwIfFailed();
    m_pendingManifest += line;
    m_pendingManifest += '\n';
    if (!m_batched || m_pendingData.size() + m_pendingManifest.size() >= BatchBytes)
        commit();
    else if (!m_writeSoon->isActive())
        m_writeSoon->start();
}

void LandingZone::land(PageRecord record, const JsonLines &items)
{
    if (m_landed.contains(record.page))
        return; // already landed (a speculative duplicate): never write a page twice
    record.fileOffset = m_dataEnd;
    record.fileLength = items.bytes().size();
    record.items = items.size();
    record.error.clear();
    throwIfFailed();
    m_pendingData += items.bytes();
    m_dataEnd += items.bytes().size();
    appendManifest(pageRecordLine(record));
    noteLanded(record);
}

void LandingZone::recordFailure(const PageRecord &record)
{
    appendManifest(pageRecordLine(record));
}

} // namespace Loopscope
