#include "record/pythoncommand.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

namespace Loopscope {

namespace {

bool looksLikePython(const QString &program)
{
    static const QRegularExpression name(QStringLiteral("^python(\\d+(\\.\\d+)?)?$"));
    return name.match(QFileInfo(program).fileName()).hasMatch();
}

// Interpreter options that take a value in the next word.
bool takesValue(const QString &option)
{
    return option == u"-X" || option == u"-W" || option == u"--check-hash-based-pycs";
}

} // namespace

PythonCommand PythonCommand::parse(const QStringList &words, const QString &workingDirectory, QString *error)
{
    const auto failed = [error](const QString &why) {
        if (error)
            *error = why;
        return PythonCommand {};
    };
    if (words.isEmpty())
        return failed(QStringLiteral("no program given: write the command after --, as in: "
                                     "loopscope trace -- python3 my_program.py"));
    PythonCommand command;
    command.workingDirectory = workingDirectory;
    qsizetype at = 0;
    if (looksLikePython(words.front())) {
        command.interpreter = words.front();
        for (at = 1; at < words.size() && words[at].startsWith(u'-'); ++at) {
            const QString &option = words[at];
            if (option == u"-m") {
                if (at + 1 >= words.size())
                    return failed(QStringLiteral("-m needs the name of a module to run"));
                command.module = words[at + 1];
                at += 2;
                break;
            }
            if (option == u"-c")
                return failed(
                    QStringLiteral("python -c is not recorded: put the code in a file and give its name"));
            if (option == u"-" || option == u"--")
                return failed(
                    QStringLiteral("a program read from standard input is not recorded: give its file"));
            command.interpreterOptions << option;
            if (takesValue(option) && at + 1 < words.size())
                command.interpreterOptions << words[++at];
        }
        if (command.module.isEmpty()) {
            if (at >= words.size())
                return failed(QStringLiteral("%1 was given no program to run").arg(words.front()));
            command.script = words[at++];
        }
    } else if (words.front().endsWith(QStringLiteral(".py"))) {
        command.script = words.front();
        at = 1;
    } else {
        return failed(QStringLiteral("%1 is not a Python program: give python3 SCRIPT.py (or SCRIPT.py)")
                          .arg(words.front()));
    }
    command.arguments = words.mid(at);
    if (!command.script.isEmpty()) {
        const QFileInfo file(command.scriptPath());
        if (!file.exists())
            return failed(QStringLiteral("no such file: %1").arg(command.script));
        if (!file.isFile())
            return failed(QStringLiteral("%1 is not a file").arg(command.script));
    }
    if (command.resolvedInterpreter().isEmpty()) {
        return failed(
            QStringLiteral("%1 was not found: install Python 3 (on Debian: apt-get install python3)")
                .arg(command.interpreter));
    }
    return command;
}

QString PythonCommand::resolvedInterpreter() const
{
    if (interpreter.contains(u'/')) {
        const QFileInfo file(QDir(workingDirectory).absoluteFilePath(interpreter));
        return file.isExecutable() ? file.absoluteFilePath() : QString();
    }
    return QStandardPaths::findExecutable(interpreter);
}

QString PythonCommand::scriptPath() const
{
    if (script.isEmpty())
        return {};
    return QDir::cleanPath(
        QDir(workingDirectory.isEmpty() ? QDir::currentPath() : workingDirectory).absoluteFilePath(script));
}

QString PythonCommand::display() const
{
    QStringList words { QFileInfo(interpreter).fileName() };
    words << interpreterOptions;
    if (!module.isEmpty())
        words << QStringLiteral("-m") << module;
    else
        words << script;
    words << arguments;
    return words.join(u' ');
}

QStringList PythonCommand::recordedArguments(const QString &recorderPath) const
{
    QStringList args = interpreterOptions;
    args << recorderPath;
    if (!module.isEmpty())
        args << QStringLiteral("-m") << module;
    else
        args << script; // as given: the program sees the sys.argv[0] it would have seen
    args << arguments;
    return args;
}

} // namespace Loopscope
