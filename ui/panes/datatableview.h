#pragma once

#include <QTableView>
#include <QTimer>

namespace Loopscope {

/*!
 * A read-only table tuned for long, live models (the event list, the task table): whole-row
 * single selection, alternating rows, and fixed row heights so that a million rows cost nothing to
 * lay out. setColumnWidthsInDigits() sizes columns for their content without measuring rows;
 * fitToText() keeps text columns (names) as wide as their text as rows arrive. A cell too narrow
 * for its text shows the whole text as a tooltip.
 */
class DataTableView : public QTableView
{
    Q_OBJECT
public:
    explicit DataTableView(QWidget *parent = nullptr);

    struct ColumnWidth
    {
        int column;
        int digits; //!< width of this many digits of the table's font, plus padding
    };
    void setColumnWidthsInDigits(std::initializer_list<ColumnWidth> widths);
    //! Widens `columns` to their text as rows arrive (the first and newest rows are measured, not
    //! all of a million), up to `maxDigits` digits; they never narrow during a run.
    void fitToText(std::initializer_list<int> columns, int maxDigits);

protected:
    bool viewportEvent(QEvent *event) override;

private:
    void refit();

    QList<int> m_textColumns;
    int m_maxTextWidth = 0;
    QTimer m_refit;
};

} // namespace Loopscope
