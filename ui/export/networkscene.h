#pragma once

#include "export/exportscene.h"
#include "io/eventrange.h"
#include "network/networklog.h"
#include "network/networkrenderer.h"

namespace Loopscope {

/*!
 * The Network view as a picture: the phases' legend, the attempts in flight with the limit, one
 * lane per connection, the time axis, then one row per request begun within the range (number,
 * method and path, status, time, and its waterfall). PDF pages repeat the axis above their rows.
 */
class NetworkScene final : public detail::ExportScene
{
public:
    static constexpr double Width = 1400;
    static constexpr double RowHeight = 18;
    static constexpr double WaterfallLeft = 560;

    NetworkScene(const Trace &trace, const EventRange &range);

    //! The requests drawn, as indices into the log's requests.
    const std::vector<std::size_t> &rows() const { return m_rows; }

    QSizeF size() const override;
    void paint(QPainter &painter) const override;
    int paginate(double maxHeight) override;
    QSizeF pageSize(int page) const override;
    void paintPage(QPainter &painter, int page) const override;

private:
    double topHeight() const;
    void paintTop(QPainter &painter) const;
    void paintRows(QPainter &painter, double top, std::size_t first, std::size_t count) const;
    std::pair<std::size_t, std::size_t> pageRows(int page) const;

    const Trace &m_trace;
    NetworkLog m_log;
    NetworkRenderer m_renderer;
    NetworkAxis m_axis;
    std::vector<std::size_t> m_rows;
    std::size_t m_firstPageRows = 1;
    std::size_t m_rowsPerPage = 1;
};

} // namespace Loopscope
