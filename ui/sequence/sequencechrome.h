#pragma once

#include "sequence/sequencelayout.h"
#include "style/viewpalette.h"

#include <QFont>

#include <utility>

class QPainter;

namespace Loopscope {

class Trace;
class TraceDigest;

/*!
 * Paints the frame around the diagram's rows for SequenceRenderer: the lifeline header boxes (the
 * loop, each task with its live state, the I/O lanes, groups) and the time gutter (the scheduler
 * time where it changes, and a mark beside the current step). Same coordinates as the renderer.
 */
class SequenceChrome
{
public:
    SequenceChrome(const Trace &trace, const TraceDigest &digest, const SequenceLayout &layout);

    void setPalette(const ViewPalette &palette) { m_palette = palette; }
    void setFont(const QFont &font);

    //! Header boxes of lanes [firstLane, lastLane] with their band's top at `top`; a footer has no band.
    void paintHeaders(QPainter &p, const QRectF &area, double top, int firstLane, int lastLane, bool footer,
        double gutterLeft) const;
    //! The gutter at x = `left` for rows [firstRow, lastRow], marking events [stepFirst, stepEnd).
    void paintGutter(QPainter &p, const QRectF &area, double left, qsizetype firstRow, qsizetype lastRow,
        SeqNo stepFirst, SeqNo stepEnd) const;

    //! A lane width at which every lane's title shows whole (at least the default width).
    double preferredLaneWidth() const;
    //! Title and subtitle of a lane's header ("C1", "task 1 · awaiting I/O").
    //! A lane title that fits `width`: whole in `font`, else whole one size smaller, else
    //! shortened (keeping what tells it apart) in the smaller size.
    static std::pair<QFont, QString> fitTitle(const QString &title, const QFont &font, double width);
    //! The title of a lane of tasks `first` … `last`: the shared name with the range of numbers
    //! ("op 63…301") when their names differ only in a number, else how many tasks it holds.
    //! `others` members come after `last` under other names: "op 63…300 +1".
    static QString groupTitle(
        const QString &first, const QString &last, std::uint32_t members, std::uint32_t others = 0);
    QString laneTitle(int lane) const;
    QString laneSubtitle(int lane) const;

private:
    QString taskGroupTitle(int lane) const;
    const Trace &m_trace;
    const TraceDigest &m_digest;
    const SequenceLayout &m_layout;
    ViewPalette m_palette;
    QFont m_titleFont;
    QFont m_smallFont;
};

} // namespace Loopscope
