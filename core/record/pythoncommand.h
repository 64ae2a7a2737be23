#pragma once

#include <QString>
#include <QStringList>

namespace Loopscope {

/*!
 * A Python program to record, as the user typed it after `loopscope trace --`:
 * `python3 [options] SCRIPT [ARGS]`, `python3 [options] -m MODULE [ARGS]` or `SCRIPT.py [ARGS]`.
 * parse() checks what can be checked before starting (a Python interpreter on the PATH, the script
 * exists) and says what is wrong in words a user understands.
 */
struct PythonCommand
{
    QString interpreter = QStringLiteral("python3"); //!< as given; resolved against PATH by start
    QStringList interpreterOptions;                  //!< -u, -X dev, -W error...
    QString script;                                  //!< the program's file (empty with -m)
    QString module;                                  //!< -m MODULE
    QStringList arguments;                           //!< the program's own arguments
    QString workingDirectory;                        //!< empty: the current one

    //! The command from its words; on failure an empty command and `error` says why.
    static PythonCommand parse(const QStringList &words, const QString &workingDirectory, QString *error);
    bool isValid() const { return !script.isEmpty() || !module.isEmpty(); }
    //! The interpreter's full path, or empty when it is not installed.
    QString resolvedInterpreter() const;
    //! The script's absolute path (relative ones are taken from the working directory).
    QString scriptPath() const;
    //! How the command reads: "python3 connector.py --pages 20".
    QString display() const;
    //! The interpreter's arguments that run the program under the recorder at `recorderPath`.
    QStringList recordedArguments(const QString &recorderPath) const;
};

} // namespace Loopscope
