#include "style/viewpalette.h"

namespace Loopscope {

namespace {

QColor mix(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(static_cast<float>(a.redF() * (1 - t) + b.redF() * t),
        static_cast<float>(a.greenF() * (1 - t) + b.greenF() * t),
        static_cast<float>(a.blueF() * (1 - t) + b.blueF() * t));
}

} // namespace

QColor ViewPalette::faded(const QColor &colour, double amount) const
{
    return mix(colour, background, amount);
}

ViewPalette ViewPalette::fromPalette(const QPalette &palette)
{
    ViewPalette p;
    p.background = palette.color(QPalette::Base);
    p.text = palette.color(QPalette::Text);
    p.dark = p.background.lightnessF() < 0.5;
    p.alternate = palette.color(QPalette::AlternateBase);
    if (p.alternate == p.background)
        p.alternate = mix(p.background, p.text, 0.04);
    p.mutedText = mix(p.text, p.background, 0.45);
    p.line = mix(p.text, p.background, 0.62);
    p.grid = mix(p.text, p.background, 0.90);
    p.arrow = mix(p.text, p.background, 0.15);
    p.selection = palette.color(QPalette::Highlight);
    // Lane colours keep out of the hues that mean a state (running green, I/O blue, sleeping violet,
    // awaiting-a-task orange, waiting brown, failed red): teals, purples, olive, magentas, slate.
    // Brighter on dark backgrounds.
    static constexpr std::array<QRgb, 8> light { 0x00897b, 0x8e24aa, 0x9e9d24, 0x00acc1, 0xc2185b, 0x5f6b73,
        0x4a148c, 0xf48fb1 };
    static constexpr std::array<QRgb, 8> dark { 0x4db6ac, 0xce93d8, 0xd4e157, 0x4dd0e1, 0xf06292, 0x90a4ae,
        0xba68c8, 0xf8bbd0 };
    for (std::size_t i = 0; i < p.accents.size(); ++i)
        p.accents[i] = QColor(p.dark ? dark[i] : light[i]);
    p.error = p.dark ? QColor(0xff6b6b) : QColor(0xc62828);
    p.warning = p.dark ? QColor(0xffc04d) : QColor(0xb26a00);
    p.currentStep = p.dark ? QColor(0xffd54f) : QColor(0xffb300);
    p.currentStep.setAlphaF(p.dark ? 0.16f : 0.18f);
    p.headerFill = mix(p.background, p.selection, p.dark ? 0.22 : 0.10);
    p.noteFill = p.dark ? QColor(0x4a, 0x46, 0x30) : QColor(0xff, 0xf8, 0xdc);
    const auto state = [&p](TaskRunState s, QColor c) { p.states[static_cast<std::size_t>(s)] = c; };
    if (p.dark) {
        state(TaskRunState::Ready, QColor(0x8d, 0x96, 0xa0));
        state(TaskRunState::Running, QColor(0x5f, 0xd0, 0x6e));
        state(TaskRunState::AwaitingIo, QColor(0x5b, 0x9b, 0xe6));
        state(TaskRunState::AwaitingTimer, QColor(0x8e, 0x86, 0xe0));
        state(TaskRunState::AwaitingTask, QColor(0xd9, 0x9a, 0x4e));
        state(TaskRunState::AwaitingOther, QColor(0xb0, 0x8a, 0x6e));
        state(TaskRunState::Done, QColor(0x4a, 0x52, 0x5c));
        state(TaskRunState::Failed, QColor(0xff, 0x6b, 0x6b));
        state(TaskRunState::Cancelled, QColor(0x6e, 0x64, 0x64));
    } else {
        state(TaskRunState::Ready, QColor(0xb8, 0xc0, 0xc8));
        state(TaskRunState::Running, QColor(0x2e, 0xa0, 0x43));
        state(TaskRunState::AwaitingIo, QColor(0x4e, 0x86, 0xd8));
        state(TaskRunState::AwaitingTimer, QColor(0x83, 0x7b, 0xd6));
        state(TaskRunState::AwaitingTask, QColor(0xe0, 0x98, 0x3a));
        state(TaskRunState::AwaitingOther, QColor(0xb4, 0x8b, 0x69));
        state(TaskRunState::Done, QColor(0xdf, 0xe3, 0xe8));
        state(TaskRunState::Failed, QColor(0xd3, 0x3c, 0x3c));
        state(TaskRunState::Cancelled, QColor(0xa8, 0x9f, 0x9f));
    }
    return p;
}

} // namespace Loopscope
