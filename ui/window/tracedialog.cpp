#include "window/tracedialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>

namespace Loopscope {

namespace {

QWidget *withBrowseButton(
    QLineEdit *field, const QString &text, QWidget *parent, std::function<void()> browse)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(field, 1);
    auto *button = new QPushButton(text, row);
    QObject::connect(button, &QPushButton::clicked, row, std::move(browse));
    layout->addWidget(button);
    return row;
}

} // namespace

TraceDialog::TraceDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Trace a Python Program"));
    setObjectName(QStringLiteral("traceDialog"));
    m_script = new QLineEdit(this);
    m_script->setObjectName(QStringLiteral("script"));
    m_script->setPlaceholderText(tr("my_connector.py"));
    m_arguments = new QLineEdit(this);
    m_arguments->setObjectName(QStringLiteral("arguments"));
    m_arguments->setPlaceholderText(tr("--pages 20"));
    m_folder = new QLineEdit(this);
    m_folder->setObjectName(QStringLiteral("folder"));
    m_folder->setPlaceholderText(tr("the script's folder"));
    m_problem = new QLabel(this);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #c0392b"));
    m_problem->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("&Script:"), withBrowseButton(m_script, tr("Choose…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Python Program"), m_script->text(), tr("Python programs (*.py);;All files (*)"));
        if (!path.isEmpty())
            m_script->setText(QDir::toNativeSeparators(path));
    }));
    form->addRow(tr("&Arguments:"), m_arguments);
    form->addRow(tr("&Folder:"), withBrowseButton(m_folder, tr("Choose…"), this, [this] {
        const QString folder
            = QFileDialog::getExistingDirectory(this, tr("Run the Program In"), m_folder->text());
        if (!folder.isEmpty())
            m_folder->setText(QDir::toNativeSeparators(folder));
    }));
    auto *note = new QLabel(tr("The program runs with python3 under Loopscope's recorder, as it would on its "
                               "own; its output goes to the terminal Loopscope was started from."),
        this);
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Trace"));
    connect(buttons, &QDialogButtonBox::accepted, this, &TraceDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &TraceDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    resize(560, sizeHint().height());

    const QSettings settings;
    m_script->setText(settings.value(QStringLiteral("trace/script")).toString());
    m_arguments->setText(settings.value(QStringLiteral("trace/arguments")).toString());
    m_folder->setText(settings.value(QStringLiteral("trace/folder")).toString());
}

void TraceDialog::setScript(const QString &path)
{
    m_script->setText(path);
}

void TraceDialog::setArguments(const QString &arguments)
{
    m_arguments->setText(arguments);
}

void TraceDialog::setWorkingDirectory(const QString &folder)
{
    m_folder->setText(folder);
}

void TraceDialog::accept()
{
    const QString script = QDir::fromNativeSeparators(m_script->text().trimmed());
    QString folder = QDir::fromNativeSeparators(m_folder->text().trimmed());
    if (folder.isEmpty() && !script.isEmpty())
        folder = QFileInfo(script).absolutePath();
    QStringList words { QStringLiteral("python3"), script };
    words << QProcess::splitCommand(m_arguments->text());
    QString error;
    if (script.isEmpty())
        error = tr("Choose the Python program to trace.");
    else if (!QFileInfo(folder).isDir())
        error = tr("No such folder: %1").arg(folder);
    else
        m_command = PythonCommand::parse(words, folder, &error);
    if (!error.isEmpty() || !m_command.isValid()) {
        m_problem->setText(error);
        m_problem->show();
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("trace/script"), m_script->text());
    settings.setValue(QStringLiteral("trace/arguments"), m_arguments->text());
    settings.setValue(QStringLiteral("trace/folder"), m_folder->text());
    QDialog::accept();
}

} // namespace Loopscope
