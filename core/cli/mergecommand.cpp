#include "cli/mergecommand.h"

#include "net/landingzone.h"
#include "scheduler/errors.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMap>
#include <QScopeGuard>
#include <QTextStream>

#include <optional>

namespace Loopscope {

namespace {

//! One part as its manifest tells it.
struct Part
{
    QString path;
    QJsonObject identity; //!< without "shard"
    int shard = 0;
    int shardCount = 0;
    QMap<qint64, PageRecord> landed; //!< the latest landed record of each page
};

//! A problem that stops the merge: the message and the exit status.
struct MergeError
{
    QString message;
    int status = 1;
};

Part readPart(const QString &path)
{
    if (const QString writer = LandingZone::writerOf(path); !writer.isEmpty())
        throw MergeError {
            QStringLiteral("%1 is still being fetched (%2): merge once it has ended").arg(path, writer), 2
        };
    QFile manifest(LandingZone::manifestPathFor(path));
    if (!manifest.open(QIODevice::ReadOnly))
        throw MergeError {
            QStringLiteral("cannot read %1: %2").arg(manifest.fileName(), manifest.errorString()), 2
        };
    Part part;
    part.path = path;
    bool first = true;
    while (!manifest.atEnd()) {
        const QByteArray line = manifest.readLine();
        if (!line.endsWith('\n'))
            break; // a torn last line: the part's own resume would cut it too
        const QJsonObject object = QJsonDocument::fromJson(line).object();
        if (first) {
            if (object.value(QStringLiteral("loopscope_manifest")).toInt() != 1)
                throw MergeError { QStringLiteral("%1 is not a Loopscope manifest").arg(manifest.fileName()),
                    2 };
            const QStringList shard = object.value(QStringLiteral("shard")).toString().split(u'/');
            part.shard = shard.size() == 2 ? shard[0].toInt() : 1;
            part.shardCount = shard.size() == 2 ? shard[1].toInt() : 1;
            part.identity = object;
            part.identity.remove(QStringLiteral("shard"));
            first = false;
            continue;
        }
        const PageRecord record = pageRecordFromJson(object);
        if (record.landed() && record.page >= 0)
            part.landed.insert(record.page, record);
    }
    if (first)
        throw MergeError { QStringLiteral("%1 is empty").arg(manifest.fileName()), 2 };
    return part;
}

//! Checks that the parts are the shards of one retrieval, each once.
void checkShards(const QList<Part> &parts)
{
    const Part &head = parts.first();
    QMap<int, QString> seen;
    for (const Part &part : parts) {
        if (part.identity != head.identity)
            throw MergeError { QStringLiteral("%1 and %2 are parts of different retrievals (%3, %4)")
                                   .arg(head.path, part.path,
                                       head.identity.value(QStringLiteral("url")).toString(),
                                       part.identity.value(QStringLiteral("url")).toString()) };
        if (part.shardCount != head.shardCount)
            throw MergeError { QStringLiteral("%1 is one of %2 shards, %3 one of %4")
                                   .arg(head.path)
                                   .arg(head.shardCount)
                                   .arg(part.path)
                                   .arg(part.shardCount) };
        if (seen.contains(part.shard))
            throw MergeError { QStringLiteral("%1 and %2 are both shard %3/%4")
                                   .arg(seen.value(part.shard), part.path)
                                   .arg(part.shard)
                                   .arg(part.shardCount) };
        seen.insert(part.shard, part.path);
    }
    for (int shard = 1; shard <= head.shardCount; ++shard) {
        if (!seen.contains(shard))
            throw MergeError {
                QStringLiteral("shard %1/%2 is missing: give its output too").arg(shard).arg(head.shardCount)
            };
    }
}

//! Where the collection ends (the number of its pages), from what the parts know.
qint64 collectionPages(const QList<Part> &parts, int pageSize)
{
    std::optional<qint64> end;
    qint64 fullest = 0;
    for (const Part &part : parts) {
        for (const PageRecord &record : part.landed) {
            fullest = std::max(fullest, record.items);
            if (record.total)
                end = std::min(end.value_or(LLONG_MAX), (*record.total + pageSize - 1) / pageSize);
            if (record.items == 0)
                end = std::min(end.value_or(LLONG_MAX), record.page);
        }
    }
    for (const Part &part : parts) {
        for (const PageRecord &record : part.landed) {
            if (record.items > 0 && record.items < fullest)
                end = std::min(end.value_or(LLONG_MAX), record.page + 1);
        }
    }
    if (!end)
        throw MergeError { QStringLiteral(
            "no part knows where the collection ends (no total, no empty or short page): "
            "did every shard run to its end?") };
    return *end;
}

JsonLines readItems(QFile &data, const PageRecord &record)
{
    if (!data.seek(record.fileOffset))
        throw MergeError { QStringLiteral("cannot read %1: %2").arg(data.fileName(), data.errorString()), 2 };
    const QByteArray bytes = data.read(record.fileLength);
    if (bytes.size() != record.fileLength)
        throw MergeError { QStringLiteral("%1 is shorter than its manifest says (page %2)")
                               .arg(data.fileName())
                               .arg(record.page),
            2 };
    if (!bytes.isEmpty() && !bytes.endsWith('\n'))
        throw MergeError { QStringLiteral("%1: the items of page %2 do not end with a line break")
                               .arg(data.fileName())
                               .arg(record.page),
            2 };
    return JsonLines::fromBytes(bytes);
}

//! Lands the pages of `order` (from `parts`) in a new zone at `path`; returns how many items.
qint64 mergeInto(const QString &path, const RetrievalIdentity &identity, const QList<Part> &parts,
    const QList<std::pair<const Part *, PageRecord>> &order)
{
    LandingZone zone(path, identity);
    QMap<QString, std::shared_ptr<QFile>> files;
    for (const Part &part : parts) {
        auto file = std::make_shared<QFile>(part.path);
        if (!file->open(QIODevice::ReadOnly))
            throw MergeError { QStringLiteral("cannot read %1: %2").arg(part.path, file->errorString()), 2 };
        files.insert(part.path, file);
    }
    qint64 items = 0;
    for (const auto &[part, record] : order) {
        const JsonLines lines = readItems(*files.value(part->path), record);
        if (lines.size() != record.items)
            throw MergeError { QStringLiteral("%1: page %2 has %3 items, its manifest says %4")
                                   .arg(part->path)
                                   .arg(record.page)
                                   .arg(lines.size())
                                   .arg(record.items),
                2 };
        zone.land(record, lines);
        items += lines.size();
    }
    zone.commit();
    return items;
}

} // namespace

int runMergeCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.size() < 2 || args.contains(QStringLiteral("--help")) || args.contains(QStringLiteral("-h"))) {
        (args.contains(QStringLiteral("--help")) || args.contains(QStringLiteral("-h")) ? out : err)
            << "usage: loopscope merge OUT.jsonl PART.jsonl...\n"
               "Joins the outputs of `loopscope fetch --shard K/N` (one per shard) into OUT, pages in "
               "order,\n"
               "after checking that every page landed in exactly one part.\n";
        return args.size() < 2 ? 2 : 0;
    }
    const QString output = args.first();
    try {
        QList<Part> parts;
        for (const QString &path : args.mid(1))
            parts.append(readPart(path));
        checkShards(parts);
        const QJsonObject &identity = parts.first().identity;
        const int pageSize = identity.value(QStringLiteral("page_size")).toInt();
        const qint64 pages = collectionPages(parts, std::max(1, pageSize));
        // Every page before the end in exactly one part (its shard's), nothing else.
        QList<std::pair<const Part *, PageRecord>> order;
        for (qint64 page = 0; page < pages; ++page) {
            const Part *holder = nullptr;
            for (const Part &part : parts) {
                if (!part.landed.contains(page))
                    continue;
                if (holder)
                    throw MergeError { QStringLiteral("page %1 landed in both %2 and %3")
                                           .arg(page)
                                           .arg(holder->path, part.path) };
                holder = &part;
            }
            if (!holder) {
                const int shard = static_cast<int>(page % parts.first().shardCount) + 1;
                throw MergeError { QStringLiteral(
                    "page %1 (shard %2/%3) has not landed: run that shard again, it resumes")
                                       .arg(page)
                                       .arg(shard)
                                       .arg(parts.first().shardCount) };
            }
            order.append({ holder, holder->landed.value(page) });
        }
        RetrievalIdentity whole { identity.value(QStringLiteral("url")).toString(), pageSize,
            identity.value(QStringLiteral("style")).toString(),
            identity.value(QStringLiteral("offset_param")).toString(),
            identity.value(QStringLiteral("limit_param")).toString(), {} };
        // Written beside the output under another name and moved into place once whole: a merge
        // that fails leaves nothing, and one that succeeds never overwrites anything.
        const QStringList outputs = LandingZone::filesFor(output);
        for (const QString &file : outputs.mid(0, 2)) {
            if (QFileInfo::exists(file))
                throw MergeError { QStringLiteral("%1 already exists: merge into a new file").arg(file), 2 };
        }
        const QString staging
            = outputs.first() + QStringLiteral(".merging-%1").arg(QCoreApplication::applicationPid());
        const auto removeStaging = qScopeGuard([&staging] {
            QFile::remove(staging);
            QFile::remove(LandingZone::manifestPathFor(staging));
        });
        const qint64 items = mergeInto(staging, whole, parts, order);
        if (!QFile::rename(staging, outputs[0]))
            throw MergeError { QStringLiteral("cannot create %1 (it appeared meanwhile, or its folder is not "
                                              "writable)")
                                   .arg(outputs[0]),
                2 };
        if (!QFile::rename(LandingZone::manifestPathFor(staging), outputs[1])) {
            QFile::rename(outputs[0], staging); // (removed with the rest)
            throw MergeError { QStringLiteral("cannot create %1").arg(outputs[1]), 2 };
        }
        out << "merged " << order.size() << " pages (" << items << " items) from " << parts.size()
            << " parts into " << output << '\n';
        return 0;
    } catch (const MergeError &e) {
        err << "loopscope merge: " << e.message << '\n';
        return e.status;
    } catch (const Error &e) {
        err << "loopscope merge: " << e.message() << '\n';
        return 2;
    }
}

} // namespace Loopscope
