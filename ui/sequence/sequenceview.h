#pragma once

#include "sequence/sequencelayout.h"
#include "sequence/sequencerenderer.h"

#include <memory>
#include <QAbstractScrollArea>
#include <QPointer>

namespace Loopscope {

class TraceFeed;

/*!
 * The live sequence diagram: a scroll area that paints the visible part of the trace with a
 * SequenceRenderer and keeps its SequenceLayout in step with the TraceFeed. While it follows (the
 * default) it scrolls to the newest event on each update; scrolling up stops following, scrolling
 * back to the bottom resumes it. Lifeline headers and the time gutter stay pinned while scrolling.
 *
 * Clicking a row reports its event (eventClicked); the selection and the current step are set from
 * outside (the main window shares them between views). Ctrl+wheel zooms rows around the pointer.
 */
class SequenceView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit SequenceView(TraceFeed *feed, QWidget *parent = nullptr);
    ~SequenceView() override;

    const SequenceLayout &layout() const { return m_layout; }
    //! The renderer painting the current trace (null while there is no trace).
    const SequenceRenderer *renderer() const { return m_renderer.get(); }

    void setIoLaneMode(SequenceLayout::IoLaneMode mode);
    double zoom() const { return m_layout.zoom(); }
    //! Sets the row zoom, keeping the row at viewport y `anchorY` (-1: the centre) in place.
    void setZoom(double zoom, double anchorY = -1);
    void zoomIn() { setZoom(zoom() * 1.25); }
    //! Horizontal zoom: lanes narrower (down to a density view) or wider; fitLanesToView() undoes it.
    void narrowLanes() { setLaneWidth(m_layout.laneWidth() / 1.4); }
    void widenLanes() { setLaneWidth(m_layout.laneWidth() * 1.4); }
    void setLaneWidth(double width);
    void fitLanesToView();
    void zoomOut() { setZoom(zoom() / 1.25); }

    void setCurrentStep(SeqNo firstSeq, SeqNo endSeq);
    SeqNo currentStepFirst() const { return m_stepFirst; }
    SeqNo currentStepEnd() const { return m_stepEnd; }
    //! Highlights event `seq`; with `reveal`, scrolls it into view.
    void setSelectedSeq(SeqNo seq, bool reveal = true);
    void clearSelection();
    bool hasSelection() const { return m_hasSelection; }
    SeqNo selectedSeq() const { return m_selected; }

    bool isFollowing() const { return m_following; }
    void setFollowing(bool follow);
    //! Events problems were found at, with the task each is about (see SequenceRenderer).
    void setProblemMarks(std::vector<std::pair<SeqNo, TaskId>> marks);
    //! Scrolls so that `row` is visible (centred if it was not).
    void ensureRowVisible(qsizetype row);
    //! Only tasks whose name contains `text` (case-insensitive) keep a lane of their own; the others
    //! share the group lane. An empty text shows every task.
    void setLaneFilter(const QString &text);
    QString laneFilter() const { return m_laneFilter; }
    //! Pins `task`'s lane next to the loops (or unpins it).
    void setPinned(TaskId task, bool pinned);
    //! Gives the members of the group lane `lane` lanes of their own, where the group was; a lane
    //! that is not a task group closes the expanded group again.
    void expandGroup(int lane);
    void collapseGroup();
    //! With lanes wider than the window, lanes that take no part in the rows on screen fold to a
    //! thin column (on by default).
    void setFoldingIdleLanes(bool fold);
    bool isFoldingIdleLanes() const { return m_foldIdleLanes; }
    //! Scrolls sideways, if needed, so that the lanes of rows [firstRow, lastRow] are on screen:
    //! both ends of their arrows where they fit, else the end away from the loops.
    void ensureLanesVisible(qsizetype firstRow, qsizetype lastRow);
    //! The part of the diagram shown now, in diagram coordinates.
    QRectF visibleArea() const;
    //! Viewport position of a diagram point (for tests and tooltips).
    QPoint mapFromDiagram(QPointF point) const;

signals:
    //! The user clicked the row of event `seq`.
    void eventClicked(Loopscope::SeqNo seq);
    void zoomChanged(double zoom);
    void followingChanged(bool following);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void changeEvent(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void rebuild();
    void onUpdated(qsizetype firstRow, qsizetype rowCount);
    //! Lanes as wide as their titles need, narrower (down to a minimum) to fit the view.
    void fitLanes();
    void updateScrollBars();
    void scrollToEnd();
    void applyHighlights();
    void applyLaneChoices();
    //! Lanes changed: fit them, fold the idle ones and repaint.
    void relayLanes();
    void foldIdleLanes();
    void revealCurrentStep();
    //! The lane whose header is at viewport point `pos`, or -1.
    int headerLaneAt(QPoint pos) const;
    QPointF toDiagram(QPoint viewportPos) const;

    QPointer<TraceFeed> m_feed;
    SequenceLayout m_layout;
    std::unique_ptr<SequenceRenderer> m_renderer;
    SeqNo m_stepFirst = 0;
    SeqNo m_stepEnd = 0;
    SeqNo m_selected = 0;
    bool m_hasSelection = false;
    bool m_following = true;
    QString m_laneFilter;
    double m_chosenLaneWidth = 0; //!< set by the horizontal zoom; 0: lanes fit the view
    std::vector<TaskId> m_pinned;
    bool m_scrollingProgrammatically = false;
    bool m_foldIdleLanes = true;
};

} // namespace Loopscope
