#pragma once

#include "record/pythoncommand.h"

#include <QDialog>

class QLabel;
class QLineEdit;

namespace Loopscope {

/*!
 * File → Trace a Python Program…: the script, its arguments and the folder it runs in. The last
 * choices are remembered (QSettings). command() is checked as `loopscope trace` checks it: the
 * dialog stays open with the reason while the script or Python cannot be found.
 */
class TraceDialog : public QDialog
{
    Q_OBJECT
public:
    explicit TraceDialog(QWidget *parent = nullptr);

    //! The program to record (valid once the dialog was accepted).
    const PythonCommand &command() const { return m_command; }
    void setScript(const QString &path);
    void setArguments(const QString &arguments);
    void setWorkingDirectory(const QString &folder);

    void accept() override;

private:
    QLineEdit *m_script = nullptr;
    QLineEdit *m_arguments = nullptr;
    QLineEdit *m_folder = nullptr;
    QLabel *m_problem = nullptr;
    PythonCommand m_command;
};

} // namespace Loopscope
