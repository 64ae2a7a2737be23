// loopscope-bench pages: what the connector spends on a page once it has arrived: finding its items
// and writing each as one line of compact JSON (JsonPageScan), against Qt's JSON parser doing the
// same (QJsonDocument, then each item serialised compactly). Pages of the demo API, 50 items each.
#include "bench.h"
#include "benchutil.h"

#include "net/demoitems.h"
#include "net/jsonlines.h"
#include "net/jsonscanner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>
#include <vector>

using namespace Loopscope;

namespace {

//! The fastest of `rounds` passes over every page, in seconds; `lines` must come out the same.
template<typename PerPage>
double bestPass(const std::vector<QByteArray> &pages, int rounds, qsizetype *lines, PerPage perPage)
{
    double best = 1e9;
    for (int round = 0; round < rounds; ++round) {
        qsizetype total = 0;
        const auto start = Bench::Clock::now();
        for (const QByteArray &page : pages)
            total += perPage(page);
        best = std::min(best, Bench::secondsSince(start));
        *lines = total;
    }
    return best;
}

} // namespace

int benchPages(const QStringList &args)
{
    QTextStream out(stdout);
    const int count = std::max(1, Bench::intOption(args, QStringLiteral("--pages"), 5'000));
    const int rounds = std::max(1, Bench::intOption(args, QStringLiteral("--rounds"), 7));
    DemoItems items(qint64(count) * 50);
    std::vector<QByteArray> pages;
    qsizetype bytes = 0;
    for (int i = 0; i < count; ++i) {
        pages.push_back(items.page(qint64(i) * 50, 50));
        bytes += pages.back().size();
    }
    JsonPageScan scan;
    scan.setWatched({ JsonPointer { "total" }, JsonPointer { "next" } });
    qsizetype ourLines = 0;
    const double ours = bestPass(pages, rounds, &ourLines, [&scan](const QByteArray &page) {
        if (!scan.scan(page))
            return qsizetype(-1'000'000);
        JsonLines lines;
        for (const JsonPageScan::Span &span : scan.items()) {
            scan.appendCompact(span, lines.buffer());
            lines.endItem();
        }
        return lines.size();
    });
    qsizetype qtLines = 0;
    const double qt = bestPass(pages, rounds, &qtLines, [](const QByteArray &page) {
        const QJsonArray array
            = QJsonDocument::fromJson(page).object().value(QStringLiteral("items")).toArray();
        JsonLines lines;
        for (const QJsonValue &item : array)
            lines.append(QJsonDocument(item.toObject()).toJson(QJsonDocument::Compact));
        return lines.size();
    });
    const qsizetype expected = qsizetype(count) * 50;
    if (ourLines != expected || qtLines != expected) {
        out << "pages: expected " << expected << " items, JsonPageScan gave " << ourLines << ", Qt "
            << qtLines << '\n';
        return 1;
    }
    const auto perPage = [count](double seconds) { return seconds / count * 1e6; };
    out << QStringLiteral("pages: %1 demo pages of 50 items (%2 bytes each), best of %3 passes\n")
               .arg(count)
               .arg(bytes / count)
               .arg(rounds);
    out << QStringLiteral("  JsonPageScan          %1 us a page  %2 MB/s\n")
               .arg(perPage(ours), 0, 'f', 2)
               .arg(double(bytes) / ours / 1e6, 0, 'f', 0);
    out << QStringLiteral("  QJsonDocument         %1 us a page  %2 MB/s\n")
               .arg(perPage(qt), 0, 'f', 2)
               .arg(double(bytes) / qt / 1e6, 0, 'f', 0);
    out << QStringLiteral("RESULT pages us_per_page=%1 mb_per_s=%2 vs_qjsondocument=%3\n")
               .arg(perPage(ours), 0, 'f', 2)
               .arg(double(bytes) / ours / 1e6, 0, 'f', 0)
               .arg(qt / ours, 0, 'f', 2);
    return 0;
}
