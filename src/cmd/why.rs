//! `deboil why`.

use std::io::Write;
use std::process::ExitCode;

use deboil_core::minhash::{Scheme, Signer};
use deboil_io::jobs::dedup::Transform;
use deboil_io::jobs::why::find_by_id;
use deboil_io::read::collect_inputs;

use super::{report_prepared, stdout};
use crate::args::WhyArgs;

pub fn run(args: &WhyArgs) -> anyhow::Result<ExitCode> {
    let read = args.input.read_options();
    let mut inputs = collect_inputs(&args.input.inputs)?;
    let prepared = if args.clean {
        let pool = args.input.pool()?;
        let p =
            args.rules
                .rule_options()
                .prepare(&mut inputs, &read, &pool, args.input.skip_bad)?;
        report_prepared(&p, args.input.quiet);
        Some(p)
    } else {
        None
    };
    let transform = prepared.as_ref().map(|p| &p.cleaner as &dyn Transform);
    let [a, b] = find_by_id(inputs, &read, [&args.first, &args.second], transform)?;
    let signer = Signer::new(args.shingle, usize::from(args.num_perm), Scheme::Oph);
    let c = deboil_core::why::compare(&signer, &a.text, &b.text);
    let labels = [
        format!("{} ({})", args.first, a.place),
        format!("{} ({})", args.second, b.place),
    ];
    let mut out = stdout();
    out.write_all(c.render(&a.text, [&labels[0], &labels[1]]).as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
