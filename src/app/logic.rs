//! Events in, effects out: every worker event goes through `State::apply`, and what it
//! returns (commands, clipboard) is carried out here, in one place.

use super::App;
use crate::state::Effect;

impl App {
    /// Applies every event that has arrived and carries out what follows from it.
    pub(super) fn drain_events(&mut self, ctx: &egui::Context) {
        for event in self.worker.drain() {
            let effects = self.state.apply(event);
            self.carry_out(ctx, effects);
        }
        // After the events: a new page, filter or sort may need the rows ordered again.
        if let Some(effect) = self.state.update_order() {
            self.carry_out(ctx, vec![effect]);
        }
    }

    pub(super) fn carry_out(&mut self, ctx: &egui::Context, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Send(command) => self.worker.send(command),
                Effect::Copy(url) => {
                    ctx.copy_text(url.expose().to_owned());
                    self.state.last_copied = Some(url);
                }
                Effect::CopyCurl(link) => {
                    ctx.copy_text(link.curl_command());
                    let marker = format!("curl {}", link.url.expose());
                    self.state.last_copied = Some(crate::share::SignedUrl::new(marker));
                }
                Effect::CopyList(text) => {
                    ctx.copy_text(text.expose().to_owned());
                    self.state.last_copied = Some(text);
                }
            }
        }
    }
}
