#pragma once

#include <QStringList>

namespace Loopscope {

/*!
 * The desktop app's command line:
 *
 *     loopscope [--scenario ID] [--param KEY=VALUE]... [--steps N] [--screenshot FILE.png] [TRACE.loopscope]
 *     loopscope --help | --version
 *
 * parse() throws Error with a message for people on anything it does not understand; scenario ids
 * and parameter values are checked later against the ScenarioRegistry. Qt's own options
 * ("-platform offscreen", "-style fusion"...) are left to the application.
 */
struct LaunchOptions
{
    QString scenarioId;     //!< empty: the last scenario used, or the default one
    QStringList parameters; //!< "key=value" assignments
    qint64 steps = 0;       //!< steps to take before showing (or taking the screenshot)
    QString screenshot;     //!< save a screenshot of the window here, then exit
    QString traceFile;      //!< a .loopscope file to open instead of a scenario
    QString listen;         //!< listen for live programs here (LOOPSCOPE_LIVE); empty: do not listen
    bool help = false;
    bool version = false;

    static LaunchOptions parse(const QStringList &arguments);
    static QString usage();
};

} // namespace Loopscope
