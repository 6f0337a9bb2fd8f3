//! Fuzzes the contact-point CSV import (`ContactPoints::import_csv`) against a real SQLite
//! database in memory: any bytes must give a report or a rejection, never a panic or a hang.
//! The first byte picks a dry run or a real import; a real import that succeeded must be a
//! no-op the second time (the import writes only what changed).
#![no_main]

use std::sync::OnceLock;

use brevdue_core::contacts::ContactPoints;
use libfuzzer_sys::fuzz_target;

struct World {
    runtime: tokio::runtime::Runtime,
    contacts: ContactPoints,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let contacts = runtime.block_on(async {
            let db = brevdue_core::db::open_in_memory().await.unwrap();
            for sql in [
                "INSERT INTO authorities (id, cvr, name, authority_type) VALUES \
                 ('a-kommune', '29189846', 'Testrup Kommune', 'MUNICIPALITY'), \
                 ('a-skat', '19552101', 'Skattestyrelsen', 'STATE')",
            ] {
                sqlx::query(sql).execute(&db).await.unwrap();
            }
            for (id, authority) in [("s-kommune-pas", "a-kommune"), ("s-skat", "a-skat")] {
                brevdue_core::auth::systems::register(
                    &db,
                    id,
                    authority,
                    brevdue_core::auth::SystemRole::Recipient,
                    id,
                )
                .await
                .unwrap();
            }
            ContactPoints::new(db)
        });
        World { runtime, contacts }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, csv)) = data.split_first() else {
        return;
    };
    let w = world();
    let authority = if mode & 2 == 0 { "a-kommune" } else { "a-skat" };
    let dry_run = mode & 1 == 0;
    w.runtime.block_on(async {
        let first = w.contacts.import_csv(authority, csv, dry_run).await;
        if let Ok(report) = first
            && !dry_run
        {
            assert!(!report.dry_run);
            let again = w
                .contacts
                .import_csv(authority, csv, false)
                .await
                .expect("a file imported once imports again");
            assert_eq!(again.contact_points.created, 0, "{again:?}");
            assert_eq!(again.contact_points.updated, 0, "{again:?}");
            assert_eq!(again.contact_groups.created, 0, "{again:?}");
            assert_eq!(again.contact_groups.updated, 0, "{again:?}");
        }
    });
});
