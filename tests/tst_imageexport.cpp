#include "tracefixtures.h"

#include "scheduler/awaitables.h"

#include "analysis/tracedigest.h"
#include "export/exportcommand.h"
#include "export/imageexport.h"
#include "export/svgcompactor.h"
#include "io/tracefilewriter.h"
#include "io/traceformaterror.h"
#include "sequence/sequencelayout.h"

#include "formatcheckers.h"

#include <QBuffer>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QPainter>
#include <QRegularExpression>
#include <QSvgGenerator>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QtTest>
#include <QXmlStreamReader>

using namespace Loopscope;

namespace {

//! The text of every <text> element of an SVG, in document order.
QStringList svgTexts(const QByteArray &svg)
{
    QStringList texts;
    QXmlStreamReader xml(svg);
    while (!xml.atEnd()) {
        if (xml.readNext() == QXmlStreamReader::StartElement && xml.name() == u"text")
            texts << xml.readElementText(QXmlStreamReader::IncludeChildElements).simplified();
    }
    return texts;
}

QByteArray svgOf(const Trace &trace, const EventRange &range, ImageView view = ImageView::Sequence)
{
    ImageExport exporter(trace);
    exporter.setView(view);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    exporter.writeSvg(buffer, range);
    return bytes;
}

//! A trace of `n` tasks that each await `rounds` I/O operations: long enough to paginate.
std::unique_ptr<Scheduler> longTrace(int n, int rounds)
{
    auto s = std::make_unique<Scheduler>();
    for (int i = 0; i < n; ++i) {
        s->spawn(
            [](int rounds) -> Task<void> {
                for (int r = 0; r < rounds; ++r)
                    co_await io(QStringLiteral("request %1").arg(r), std::chrono::milliseconds(10 + r));
            }(rounds),
            QStringLiteral("worker %1").arg(i + 1));
    }
    s->runUntilIdle();
    return s;
}

//! Runs `loopscope export` with `args`; returns its exit code and what it printed.
int exportCommand(const QStringList &args, QString *printed = nullptr, QString *errors = nullptr)
{
    QString outText;
    QString errText;
    QTextStream out(&outText);
    QTextStream err(&errText);
    const int code = runExportCommand(args, out, err);
    out.flush();
    err.flush();
    if (printed)
        *printed = outText;
    if (errors)
        *errors = errText;
    return code;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestImageExport : public QObject
{
    Q_OBJECT
private slots:
    void svgCompactorDrawsTheSamePictureWithLess()
    {
        // What QSvgGenerator writes for a few shapes, text and state changes that draw nothing.
        QBuffer raw;
        raw.open(QIODevice::WriteOnly);
        {
            QSvgGenerator generator;
            generator.setOutputDevice(&raw);
            generator.setSize(QSize(200, 120));
            generator.setViewBox(QRectF(0, 0, 200, 120));
            QPainter p(&generator);
            p.fillRect(QRectF(0, 0, 200, 120), Qt::white);
            for (int i = 0; i < 6; ++i) {
                p.setPen(QPen(i % 2 ? Qt::red : Qt::blue, 1 + i % 3));
                p.setBrush(Qt::NoBrush); // a state change with nothing drawn
                p.drawLine(QPointF(10, 10 + 15 * i), QPointF(150, 10 + 15 * i));
                p.drawLine(QPointF(10, 15 + 15 * i), QPointF(100, 15 + 15 * i)); // same style again
            }
            p.setPen(Qt::black);
            p.drawText(QPointF(20, 110), QStringLiteral("await read a <b> & \"c\""));
            p.setPen(QPen(QColor(0, 0, 0, 100), 2, Qt::DashLine)); // opacity and dashes
            p.setBrush(QColor(0, 0, 255, 128));
            p.drawRect(QRectF(120, 60, 60, 40));
            p.setFont(QFont(p.font().family(), 11, QFont::Bold));
            p.drawText(QPointF(125, 80), QStringLiteral("bold, over a translucent box"));
            p.translate(150, 20);
            p.setBrush(Qt::green);
            p.drawRect(QRectF(0, 0, 30, 20)); // a real transform stays
        }
        const QByteArray original = raw.data();

        const auto compact = [&original](qsizetype chunk) {
            QBuffer out;
            out.open(QIODevice::WriteOnly);
            SvgCompactor compactor(out);
            for (qsizetype at = 0; at < original.size(); at += chunk)
                compactor.write(original.mid(at, chunk));
            [&] { QVERIFY(compactor.finish()); }();
            return out.data();
        };
        const QByteArray compacted = compact(original.size());
        QCOMPARE(compact(1), compacted); // however QSvgGenerator cuts its writes
        QCOMPARE(compact(7), compacted);

        QVERIFY2(compacted.size() < original.size() * 3 / 4,
            qPrintable(QStringLiteral("%1 -> %2 bytes").arg(original.size()).arg(compacted.size())));
        QVERIFY(!compacted.contains("transform=\"matrix(1,0,0,1,0,0)\""));
        QVERIFY(compacted.contains("transform=\"matrix(1,0,0,1,150,20)\""));
        QVERIFY(!QRegularExpression(QStringLiteral("<g [^>]*>\\s*</g>"))
                     .match(QString::fromUtf8(compacted))
                     .hasMatch());
        QCOMPARE(svgTexts(compacted), svgTexts(original));

        const auto render = [](const QByteArray &svg) {
            QSvgRenderer renderer(svg);
            QImage image(200, 120, QImage::Format_ARGB32);
            image.fill(Qt::transparent);
            QPainter p(&image);
            renderer.render(&p);
            return image;
        };
        QVERIFY(QSvgRenderer(compacted).isValid());
        QCOMPARE(render(compacted), render(original));

        // A device that refuses the bytes is reported, not ignored.
        QBuffer readOnly;
        readOnly.open(QIODevice::ReadOnly);
        SvgCompactor failing(readOnly);
        failing.write(original);
        QVERIFY(!failing.finish());
    }

    void svgOfTwoCoroutinesKeepsItsText()
    {
        const auto s = Fixtures::twoCoroutines();
        const QByteArray svg = svgOf(s->trace(), EventRange::all(s->trace()));
        const QStringList header { "event loop", "scheduler", "Coroutine 1", "#1 · done", "Coroutine 2",
            "#2 · done", "I/O", "2 operations" };
        const QStringList expected = QStringList { "Coroutine 1 created", "Coroutine 2 created",
            "loop started", "start Coroutine 1", "read a", "await read a", "start Coroutine 2", "read b",
            "await read b", "wait for I/O (2.000 s)", "I/O complete: read a", "I/O complete: read b",
            "resume Coroutine 1", "return 1", "resume Coroutine 2", "return 1", "loop stopped: idle", "0 s",
            "2.000 s", "+2.000 s" }
            + header + header + QStringList { "time" };
        QCOMPARE(svgTexts(svg), expected);
        QVERIFY(!svg.contains("<image")); // text stays text, nothing is rasterised
    }

    void svgOfARangeHasOnlyItsRows()
    {
        const auto s = Fixtures::twoCoroutines();
        const QStringList texts = svgTexts(svgOf(s->trace(), EventRange::ofSeqs(s->trace(), 6, 9)));
        QVERIFY(texts.contains(QStringLiteral("start Coroutine 2")));
        QVERIFY(texts.contains(QStringLiteral("wait for I/O (2.000 s)")));
        QVERIFY(!texts.contains(QStringLiteral("start Coroutine 1")));
        QVERIFY(!texts.contains(QStringLiteral("loop stopped: idle")));
    }

    void pngIsTheWholeDiagramAtItsScale_data()
    {
        QTest::addColumn<double>("scale");
        QTest::newRow("1x") << 1.0;
        QTest::newRow("2x") << 2.0;
        QTest::newRow("3x") << 3.0;
    }
    void pngIsTheWholeDiagramAtItsScale()
    {
        QFETCH(double, scale);
        const auto s = longTrace(2, 30); // ~250 rows: far taller than any window
        ImageExport exporter(s->trace());
        exporter.setScale(scale);
        const QImage image = exporter.toImage(EventRange::all(s->trace()));
        const double rows = double(s->trace().size());
        const double height = SequenceLayout::HeaderHeight + rows * SequenceLayout::BaseRowHeight
            + SequenceLayout::FooterHeight;
        QCOMPARE(image.height(), int(std::ceil(height * scale)));
        QCOMPARE(image.devicePixelRatio(), scale);
        QVERIFY(exporter.note().isEmpty());
        // Something was drawn all the way down: the footer's header boxes differ from the background.
        const QImage footer = image.copy(0, image.height() - int(40 * scale), image.width(), int(30 * scale));
        QSet<QRgb> colours;
        for (int y = 0; y < footer.height(); y += 2)
            for (int x = 0; x < footer.width(); x += 2)
                colours.insert(footer.pixel(x, y));
        QVERIFY(colours.size() > 3);
    }

    void exportedLanesMakeRoomForNamesWithinABudget()
    {
        const auto named = [](int tasks, const QString &prefix) {
            auto s = std::make_unique<Scheduler>();
            for (int i = 0; i < tasks; ++i)
                s->spawn(
                    []() -> Task<void> { co_await io(QStringLiteral("read"), std::chrono::seconds(1)); }(),
                    QStringLiteral("%1 %2").arg(prefix).arg(i));
            s->runUntilIdle();
            return s;
        };
        const auto widthAtScale1 = [](const Trace &trace) {
            ImageExport exporter(trace);
            exporter.setScale(1);
            return exporter.toImage(EventRange::all(trace)).width();
        };
        const auto widthWithLanes = [](double lanes, double laneWidth) {
            return int(std::ceil(
                SequenceLayout::GutterWidth + (lanes + SequenceLayout::RightMarginLanes) * laneWidth));
        };

        // A few tasks with long names: lanes as wide as the names need; short names keep the default.
        const QString longName = QStringLiteral("fetch every page of the customer orders");
        const auto few = named(3, longName);
        const double laneWidth = (widthAtScale1(few->trace()) - SequenceLayout::GutterWidth)
            / (5 + SequenceLayout::RightMarginLanes);
        QVERIFY2(laneWidth - 40
                >= QFontMetricsF(QGuiApplication::font()).horizontalAdvance(longName + QStringLiteral(" 0")),
            qPrintable(QStringLiteral("lanes of %1 px").arg(laneWidth)));
        QCOMPARE(widthAtScale1(named(3, QStringLiteral("C"))->trace()),
            widthWithLanes(5, SequenceLayout::DefaultLaneWidth));

        // Many tasks: the picture keeps the default lane width rather than growing for their names.
        QCOMPARE(widthAtScale1(named(40, longName)->trace()),
            widthWithLanes(42, SequenceLayout::DefaultLaneWidth));
    }

    void pngOfAHugeTraceStaysWithinLimits()
    {
        const auto s = longTrace(50, 100); // ~25,000 rows
        ImageExport exporter(s->trace());
        const QImage image = exporter.toImage(EventRange::all(s->trace()));
        QVERIFY(image.height() <= ImageExport::MaxPngHeight);
        QVERIFY(exporter.note().contains(QStringLiteral("do not fit")));
    }

    void pdfPagesRepeatTheHeaders()
    {
        const auto s = longTrace(3, 40);
        ImageExport exporter(s->trace());
        QByteArray pdf;
        QBuffer buffer(&pdf);
        buffer.open(QIODevice::WriteOnly);
        const int pages = exporter.writePdf(buffer, EventRange::all(s->trace()));
        // A4 pages, each as tall as the page holds at the diagram's scale; headers and footer on
        // every one, the last page as large as the others.
        TraceDigest digest;
        digest.update(s->trace());
        SequenceLayout layout;
        layout.update(digest, s->trace().size());
        const ImageExport::PdfPage page = ImageExport::pdfPageFor(layout.contentSize().width());
        const double pageHeight = page.printable.height() / page.scale;
        const auto perPage
            = qsizetype((pageHeight - SequenceLayout::HeaderHeight - SequenceLayout::FooterHeight)
                / SequenceLayout::BaseRowHeight);
        QCOMPARE(pages, int((s->trace().size() + perPage - 1) / perPage));
        QCOMPARE(pdf.count("/Type /Page\n") + pdf.count("/Type /Page\r"), qsizetype(pages));
        const QRegularExpression mediaBox(QStringLiteral("/MediaBox \\[0 0 ([0-9.]+) ([0-9.]+)\\]"));
        QSet<QString> sizes;
        for (auto match = mediaBox.globalMatch(QString::fromLatin1(pdf)); match.hasNext();) {
            const QRegularExpressionMatch box = match.next();
            sizes.insert(QStringLiteral("%1x%2")
                             .arg(qRound(box.captured(1).toDouble()))
                             .arg(qRound(box.captured(2).toDouble())));
        }
        QCOMPARE(sizes.size(), 1);
        QVERIFY2(sizes.contains(QStringLiteral("595x842")) || sizes.contains(QStringLiteral("842x595")),
            qPrintable(sizes.values().join(u',')));
        QVERIFY(pdf.contains("/FontFile2") || pdf.contains("/FontFile")); // text is text, with its font
    }

    void pdfPagesAreA4LandscapeWhenTheDiagramIsWide()
    {
        const ImageExport::PdfPage narrow = ImageExport::pdfPageFor(400);
        QCOMPARE(narrow.orientation, QPageLayout::Portrait);
        QCOMPARE(narrow.scale, 1.0);
        const ImageExport::PdfPage wide = ImageExport::pdfPageFor(700);
        QCOMPARE(wide.orientation, QPageLayout::Landscape);
        QCOMPARE(wide.scale, 1.0);
        QVERIFY(wide.printable.width() > wide.printable.height());
        const ImageExport::PdfPage huge = ImageExport::pdfPageFor(4000); // scaled to the page's width
        QCOMPARE(huge.orientation, QPageLayout::Landscape);
        QCOMPARE(huge.scale, huge.printable.width() / 4000);
    }

    void timelineExportsInEveryFormat()
    {
        const auto s = Fixtures::richTrace();
        const QStringList texts
            = svgTexts(svgOf(s->trace(), EventRange::all(s->trace()), ImageView::Timeline));
        QVERIFY(texts.contains(QStringLiteral("parent")));
        QVERIFY(texts.contains(QStringLiteral("child")));
        ImageExport exporter(s->trace());
        exporter.setView(ImageView::Timeline);
        QVERIFY(!exporter.toImage(EventRange::all(s->trace())).isNull());
        QByteArray pdf;
        QBuffer buffer(&pdf);
        buffer.open(QIODevice::WriteOnly);
        QCOMPARE(exporter.writePdf(buffer, EventRange::all(s->trace())), 1);
    }

    void commandWritesEveryFormat_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QByteArray>("starts");
        QTest::newRow("png") << "png" << QByteArray("\x89PNG");
        QTest::newRow("svg") << "svg" << QByteArray("<?xml");
        QTest::newRow("pdf") << "pdf" << QByteArray("%PDF");
        QTest::newRow("mermaid") << "mermaid" << QByteArray("sequenceDiagram\n");
        QTest::newRow("perfetto") << "perfetto" << QByteArray("{\"traceEvents\":[");
        QTest::newRow("har") << "har" << QByteArray("{\"log\":{\"version\":\"1.2\"");
        QTest::newRow("loopscope") << "loopscope" << QByteArray("\x89LOOPSCOPE\r\n\x1a\n\x02\x00");
        QTest::newRow("loopscope-json") << "loopscope-json" << QByteArray("{\"format\":\"loopscope-trace\"");
    }
    void commandWritesEveryFormat()
    {
        QFETCH(QString, format);
        QFETCH(QByteArray, starts);
        QTemporaryDir dir;
        const auto s = Fixtures::richTrace();
        const QString trace = dir.filePath(QStringLiteral("rich.loopscope"));
        TraceFileWriter::save(s->trace(), Fixtures::metadata(), trace);
        const QString out = dir.filePath(QStringLiteral("out.") + format);
        QString printed;
        QString errors;
        QCOMPARE(exportCommand({ "--trace", trace, "--format", format, "--out", out }, &printed, &errors), 0);
        QVERIFY2(printed.startsWith(QStringLiteral("wrote ") + out), qPrintable(printed + errors));
        const QByteArray bytes = readAll(out);
        QVERIFY(bytes.startsWith(starts));
        if (format == u"loopscope")
            QCOMPARE(bytes, readAll(trace)); // an opened trace exports as it was saved
        if (format == u"perfetto")
            QVERIFY(FormatCheck::chromeTrace(bytes).isEmpty());
        if (format == u"har")
            QVERIFY(FormatCheck::har(bytes).isEmpty());
    }

    void commandPlaysAScenario()
    {
        QString printed;
        QString errors;
        QCOMPARE(exportCommand({ "--scenario", "two-coroutines", "--format", "mermaid", "--out", "-" },
                     &printed, &errors),
            0);
        QVERIFY2(printed.startsWith(QStringLiteral("sequenceDiagram\n    participant L as Event Loop\n")),
            qPrintable(printed + errors));
        QVERIFY(printed.contains(QStringLiteral("IO-->>L: IO Operation Complete")));
        QCOMPARE(exportCommand(
                     { "--scenario", "two-coroutines", "--format", "har", "--out", "-" }, &printed, &errors),
            0);
        QVERIFY(errors.contains(QStringLiteral("made no HTTP requests; the HAR has no entries")));
        QVERIFY(FormatCheck::har(printed.toUtf8()).isEmpty());
    }

    void commandRejectsBadArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        const QString out = QStringLiteral("/tmp/never-written.svg");
        QTest::newRow("no source") << QStringList { "--format", "svg", "--out", out } << 2
                                   << "give either --scenario or --trace (exactly one)";
        QTest::newRow("two sources") << QStringList { "--scenario", "two-coroutines", "--trace", "x",
            "--format", "svg", "--out", out }
                                     << 2 << "give either --scenario or --trace (exactly one)";
        QTest::newRow("no format") << QStringList { "--scenario", "two-coroutines", "--out", out } << 2
                                   << "which format? Give --format";
        QTest::newRow("bad format") << QStringList { "--scenario", "two-coroutines", "--format", "gif",
            "--out", out } << 2 << "unknown format 'gif'";
        QTest::newRow("no out") << QStringList { "--scenario", "two-coroutines", "--format", "svg" } << 2
                                << "where to? Give --out FILE";
        QTest::newRow("image to stdout") << QStringList { "--scenario", "two-coroutines", "--format", "png",
            "--out", "-" } << 2 << "--out - (standard output) is for text formats";
        QTest::newRow("scale for svg")
            << QStringList { "--scenario", "two-coroutines", "--format", "svg", "--out", out, "--scale", "2" }
            << 2 << "--scale applies to png only";
        QTest::newRow("bad scale") << QStringList { "--scenario", "two-coroutines", "--format", "png",
            "--out", out, "--scale", "0" }
                                   << 2 << "--scale needs a number above 0 and at most 8, got '0'";
        QTest::newRow("range for har")
            << QStringList { "--scenario", "two-coroutines", "--format", "har", "--out", out, "--from", "1" }
            << 2 << "--from/--to apply to png, svg, pdf, mermaid and perfetto, not har";
        QTest::newRow("bad seq") << QStringList { "--scenario", "two-coroutines", "--format", "svg", "--out",
            out, "--from", "x" } << 2
                                 << "--from and --to need event seq numbers";
        QTest::newRow("bad view") << QStringList { "--scenario", "two-coroutines", "--format", "svg", "--out",
            out, "--view", "3d" } << 2
                                  << "unknown view '3d'";
        QTest::newRow("unknown scenario") << QStringList { "--scenario", "no-such-thing", "--format", "svg",
            "--out", out } << 2 << "no-such-thing";
        QTest::newRow("param with trace") << QStringList { "--trace", "x", "--param", "n=2", "--format",
            "svg", "--out", out } << 2 << "--param goes with --scenario";
        QTest::newRow("missing trace") << QStringList { "--trace", "/nonexistent.loopscope", "--format",
            "svg", "--out", out } << 1 << "cannot open '/nonexistent.loopscope'";
        QTest::newRow("range past the end") << QStringList { "--scenario", "two-coroutines", "--format",
            "svg", "--out", out, "--from", "5", "--to", "99999" }
                                            << 1 << "the last event 99999 is not in the trace";
        QTest::newRow("unwritable") << QStringList { "--scenario", "two-coroutines", "--format", "mermaid",
            "--out", "/nonexistent/dir/x.mmd" }
                                    << 1 << "cannot write '/nonexistent/dir/x.mmd'";
    }
    void commandRejectsBadArguments()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        QString errors;
        QCOMPARE(exportCommand(args, nullptr, &errors), code);
        QVERIFY2(errors.contains(message), qPrintable(errors));
        QVERIFY(!QFile::exists(QStringLiteral("/tmp/never-written.svg")));
    }
};

QTEST_MAIN(TestImageExport)
#include "tst_imageexport.moc"
