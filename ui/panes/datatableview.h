#pragma once

#include <QTableView>

namespace Loopscope {

/*!
 * A read-only table tuned for long, live models (the event list, the task table): whole-row
 * single selection, alternating rows, and fixed row heights so that a million rows cost nothing to
 * lay out. setColumnWidthsInDigits() sizes columns for their content without measuring rows.
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
};

} // namespace Loopscope
