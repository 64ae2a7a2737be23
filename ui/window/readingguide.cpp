#include "window/readingguide.h"

#include "style/viewpalette.h"

#include <QCoreApplication>

namespace Loopscope {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ReadingGuide", text);
}

QString swatch(const QColor &colour)
{
    return QStringLiteral("<span style=\"background:%1\">&nbsp;&nbsp;&nbsp;&nbsp;</span>").arg(colour.name());
}

} // namespace

QString readingGuideHtml(const ViewPalette &palette)
{
    QString states;
    for (int s = 0; s < TaskRunStateCount; ++s) {
        const auto state = static_cast<TaskRunState>(s);
        states += QStringLiteral("<tr><td>%1</td><td>%2</td></tr>")
                      .arg(swatch(palette.stateColor(state)), taskRunStateName(state).toHtmlEscaped());
    }
    return tr("<h3>The sequence diagram</h3>"
              "<p>Time runs downwards, one event a row; the gutter on the left stamps the clock where it "
              "moved (and by how much, <i>+2.000 s</i>), and a dashed rule across the diagram marks it.</p>"
              "<ul>"
              "<li><b>Lifelines</b>, left to right: the event loop (one per thread when several loops "
              "ran), one per task, and the I/O side (one shared lane, or one per operation from the View "
              "menu).</li>"
              "<li><b>Activation bars</b> on a task's lifeline: the task holds the thread. An inline child "
              "(<i>yield from</i>, awaiting a Task) draws its bar beside its caller's.</li>"
              "<li><b>Solid arrows</b> hand control over: the loop starts or resumes a task, a task submits "
              "I/O, calls a child, or asks a generator for its next value.</li>"
              "<li><b>Dashed arrows</b> hand it back: a task awaits (and says what for), returns, or yields "
              "a value to its consumer; the I/O side reports a completion.</li>"
              "<li><b>Blue bars</b> on the I/O lifeline: operations in flight.</li>"
              "<li><b>Notes</b>: a task's output; red for a failure, orange for a slow step that held the "
              "loop.</li>"
              "<li>The <b>yellow band</b> is the current step (one scheduling decision of the loop); the "
              "selected event is highlighted across the diagram.</li>"
              "</ul>"
              "<h3>The timeline</h3>"
              "<p>One row per task, time left to right. Each pixel shows the state that held the most time "
              "in it; a run that took no time at all is a thin mark, and where such marks crowd they become "
              "notches above the bar, so the bar keeps the colour of where the time went.</p>")
        + QStringLiteral("<table cellspacing=\"4\">%1</table>").arg(states)
        + tr("<p>Step (Right), Back (Left), Run/Pause (Space) and Reset (R) move through the run; every "
             "view follows the same event.</p>");
}

} // namespace Loopscope
