#pragma once

#include "net/jsonlines.h"

#include <QByteArray>
#include <QFile>
#include <QJsonObject>
#include <QList>
#include <QLockFile>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <optional>

namespace Loopscope {

//! What the manifest says about one page.
struct PageRecord
{
    qint64 page = 0;
    QString url;
    int status = 0;
    qint64 items = 0;
    qint64 bytes = 0; //!< response body bytes
    int attempts = 0;
    QString error;         //!< empty when the page landed
    qint64 fileOffset = 0; //!< where its items start in the data file
    qint64 fileLength = 0;
    std::optional<qint64> total; //!< the collection size the page announced, if any
    QString next;                //!< the page's next link, if any
    bool unverified = false;     //!< came over https without the certificate checked (--insecure)

    bool landed() const { return error.isEmpty(); }
};

//! Identity of a retrieval: a rerun must name the same one to resume it.
struct RetrievalIdentity
{
    QString url;
    int pageSize = 50;
    QString style;
    QString offsetParam;
    QString limitParam;
    QString shard; //!< "K/N" when this retrieval is one of N slices of the pages; empty otherwise
};

//! A manifest's lines: its identity line, and a page record as one line of compact JSON (without
//! its '\n', written directly: one is written for every page) and back.
QJsonObject retrievalIdentityJson(const RetrievalIdentity &identity);
QByteArray pageRecordLine(const PageRecord &record);
PageRecord pageRecordFromJson(const QJsonObject &object);

/*!
 * Lands pages as JSON Lines (one item per line) next to a manifest of pages
 * (`<out>.manifest.jsonl`: page, status, items, bytes, attempts, where its lines are).
 *
 * A page's lines are written with one write and recorded in the manifest only afterwards, so on
 * reopening everything past the last recorded page is a torn or unrecorded tail and is cut off:
 * rerunning with the same output resumes where it stopped, lands the rest, and nothing twice.
 * Errors (unwritable file, a manifest of another retrieval, a file written by something else: one
 * without a manifest) throw Error with a clear message. The data file's links are followed, so that
 * two names of one file share its lock and its manifest.
 */
class LandingZone
{
public:
    LandingZone(const QString &dataPath, const RetrievalIdentity &identity);

    static QString manifestPathFor(const QString &dataPath)
    {
        return dataPath + QStringLiteral(".manifest.jsonl");
    }
    static QString lockPathFor(const QString &dataPath) { return dataPath + QStringLiteral(".lock"); }
    //! The files a zone on `dataPath` writes: the data, its manifest and its lock (links followed).
    static QStringList filesFor(const QString &dataPath);
    //! Who writes `dataPath` now ("process 12 on host, loopscope"), or empty if no one does.
    static QString writerOf(const QString &dataPath);

    //! Pages that landed in earlier runs (and this one), by page number.
    const QMap<qint64, PageRecord> &landedPages() const { return m_landed; }
    bool hasLanded(qint64 page) const { return m_landed.contains(page); }
    //! The page the collection ends before, if known: the first empty page, or the one after the
    //! first page shorter than the fullest.
    std::optional<qint64> endPage() const { return m_endPage; }
    std::optional<qint64> total() const { return m_total; }
    qint64 itemsLanded() const { return m_items; }
    //! Pages resumed from disk when the zone was opened.
    qint64 resumedPages() const { return m_resumed; }
    //! Bytes of torn or unrecorded data cut off when the zone was opened.
    qint64 discardedBytes() const { return m_discarded; }

    void land(PageRecord record, const JsonLines &items);
    void recordFailure(const PageRecord &record);

    /*!
     * Batched, pages are kept until the event loop next runs (or BatchBytes of them), then written
     * with one write to each file, the items before the manifest lines that record them: a busy
     * retrieval spends two writes per loop turn, not two per page. Off by default (each page is
     * written at once). A write that fails later is thrown by the next land(), recordFailure() or
     * commit().
     */
    void setBatched(bool batched);
    //! Writes what is kept (batched), now; throws if a write failed.
    void commit();
    ~LandingZone();
    LandingZone(const LandingZone &) = delete;
    LandingZone &operator=(const LandingZone &) = delete;

private:
    static constexpr qsizetype BatchBytes = 4 << 20;

    void write();
    void throwIfFailed() const;
    void lock();
    void refuseForeignData() const;
    void openManifest(const RetrievalIdentity &identity);
    void openData();
    void appendManifest(const QByteArray &line);
    void noteLanded(const PageRecord &record);
    void noteIfShort(const PageRecord &record);

    QString m_dataPath;
    std::unique_ptr<QLockFile> m_lock; //!< <out>.lock, held while the zone is open: one writer
    QFile m_data;
    QFile m_manifest;
    QByteArray m_pendingData;     //!< items landed, not yet written
    QByteArray m_pendingManifest; //!< their manifest lines (and failures'), written after them
    bool m_batched = false;
    std::unique_ptr<QTimer> m_writeSoon; //!< batched: writes when the event loop next runs
    QString m_writeError;                //!< a batched write that failed
    QMap<qint64, PageRecord> m_landed;
    std::optional<qint64> m_endPage;
    qint64 m_fullPageItems = 0; //!< the most items a page had
    std::optional<qint64> m_total;
    qint64 m_dataEnd = 0;
    qint64 m_items = 0;
    qint64 m_resumed = 0;
    qint64 m_discarded = 0;
};

} // namespace Loopscope
