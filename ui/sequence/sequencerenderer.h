#pragma once

#include "sequence/sequencechrome.h"
#include "sequence/sequencelayout.h"
#include "sequence/sequenceshapes.h"
#include "style/viewpalette.h"

#include <QFont>
#include <utility>
#include <vector>

class QPainter;

namespace Loopscope {

class Trace;
class TraceDigest;

/*!
 * Paints the sequence diagram of a trace onto any QPainter: a widget, a QImage, a QSvgGenerator,
 * a QPdfWriter or a printer. It reads the trace, its TraceDigest (activations, I/O) and a
 * SequenceLayout (geometry); it owns none of them and never changes them. Painting costs
 * O(rows and lanes in the painted area): only what intersects the area is drawn.
 *
 * Coordinates are the layout's diagram coordinates; set the painter's transform to map them to
 * the device. Two ways to paint:
 *
 * - paint(painter, visibleArea): what a scrolling view shows. With PaintOptions::pinHeaders the
 *   lifeline headers are drawn at the top of `visibleArea` (they stay visible while scrolling), with
 *   pinGutter the time gutter at its left edge.
 * - paintRows(painter, firstRow, lastRow): a whole range for export. Headers on top, the rows,
 *   and (if the layout has a footer) the headers again below, all starting at (0, 0) of the
 *   painter; rowsSize() gives the device size needed. For the WHOLE diagram:
 *
 *       SequenceLayout layout;            // configure, then layout.update(digest, trace.size())
 *       layout.setFooter(true);
 *       SequenceRenderer renderer(trace, digest, layout);
 *       const QSizeF size = renderer.rowsSize(0, trace.size() - 1);
 *       QImage image(size.toSize() * 2, QImage::Format_ARGB32);  // 2x for crisp text
 *       image.setDevicePixelRatio(2);
 *       QPainter painter(&image);
 *       renderer.paintRows(painter, 0, trace.size() - 1);
 *
 * Colours come from setPalette() (build a ViewPalette from the widget's or the application's
 * QPalette), text from setFont(). The current step (a band behind its rows) and the selected event
 * are optional highlights.
 */
class SequenceRenderer
{
public:
    struct PaintOptions
    {
        bool pinHeaders = true; //!< headers at visibleArea.top() instead of y = 0
        bool pinGutter = true;  //!< time gutter at visibleArea.left() instead of x = 0
    };

    SequenceRenderer(const Trace &trace, const TraceDigest &digest, const SequenceLayout &layout);

    void setPalette(const ViewPalette &palette)
    {
        m_palette = palette;
        m_chrome.setPalette(palette);
        m_shapes.setPalette(palette);
    }
    const ViewPalette &palette() const { return m_palette; }
    void setFont(const QFont &font);
    //! A lane width at which every lane's title shows whole, in the current font.
    double preferredLaneWidth() const { return m_chrome.preferredLaneWidth(); }
    //! Title and subtitle of a lane's header, whole (the header may shorten them).
    QString laneTitle(int lane) const { return m_chrome.laneTitle(lane); }
    QString laneSubtitle(int lane) const { return m_chrome.laneSubtitle(lane); }
    //! Highlights the rows of events [firstSeq, endSeq) as the current step (empty range: none).
    void setCurrentStep(SeqNo firstSeq, SeqNo endSeq);
    //! Marks the events problems were found at (a warning sign on the task's lifeline, at its row).
    void setProblemMarks(std::vector<std::pair<SeqNo, TaskId>> marks);
    //! Highlights the event `seq`; clearSelection() removes it.
    void setSelectedSeq(SeqNo seq);
    void clearSelection() { m_hasSelection = false; }

    //! Paints everything that intersects `visibleArea` (diagram coordinates).
    void paint(QPainter &painter, const QRectF &visibleArea, PaintOptions options) const;
    void paint(QPainter &painter, const QRectF &visibleArea) const
    {
        paint(painter, visibleArea, PaintOptions());
    }

    //! Size of the picture paintRows() draws for rows [firstRow, lastRow].
    QSizeF rowsSize(qsizetype firstRow, qsizetype lastRow) const;
    //! Paints rows [firstRow, lastRow] with headers (and footer) with its top-left corner at (0, 0).
    void paintRows(QPainter &painter, qsizetype firstRow, qsizetype lastRow) const;

private:
    struct Frame; // the area being painted and its visible rows and lanes

    void paintBackground(QPainter &p, const Frame &f) const;
    void paintLifelines(QPainter &p, const Frame &f) const;
    void paintActivations(QPainter &p, const Frame &f) const;
    void paintFlights(QPainter &p, const Frame &f, SeqNo first, SeqNo last) const;
    void paintMessages(QPainter &p, const Frame &f) const;
    void paintMessage(QPainter &p, const Frame &f, qsizetype row, const TraceEvent &event) const;
    QColor rowFill(SeqNo seq) const;
    void paintDensity(QPainter &p, const Frame &f) const;
    void paintProblemMarks(QPainter &p, const Frame &f) const;
    void paintFrame(QPainter &p, const Frame &f) const;
    qsizetype rowOfSeq(SeqNo seq, bool clampToEnd) const;

    const Trace &m_trace;
    const TraceDigest &m_digest;
    const SequenceLayout &m_layout;
    ViewPalette m_palette;
    SequenceChrome m_chrome;
    SequenceShapes m_shapes;
    SeqNo m_stepFirst = 0;
    SeqNo m_stepEnd = 0;
    SeqNo m_selected = 0;
    bool m_hasSelection = false;
    std::vector<std::pair<SeqNo, TaskId>> m_problemMarks; //!< sorted by seq
};

} // namespace Loopscope
