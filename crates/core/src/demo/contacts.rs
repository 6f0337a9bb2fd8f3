//! The demo authorities' contact structures: where a citizen or a company can write to each
//! authority ("Skriv til det offentlige").
//!
//! Each authority has contact groups two or three levels deep and contact points with search
//! words, audiences, a text for the writer, and for some a self-service link, one or two extra
//! fields (the child's CPR number, the car's licence plate) or KLE and FORM codes. One contact
//! point is invisible and one is for other authorities only. The KLE and FORM codes are
//! illustrative: they have the codes' shape but the world is fictional.

use uuid::Uuid;

use super::world::{KOERETOEJ, KOMMUNE, REGION, SKAT, YDELSE, stable_uuid};

/// A contact group: a folder of contact points, never itself a contact point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactGroup {
    /// Unique within the authority.
    pub key: &'static str,
    pub parent: Option<&'static str>,
    pub name: &'static str,
}

/// Who sees a contact point when they write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audiences {
    pub citizens: bool,
    pub companies: bool,
    pub authorities: bool,
}

/// A KLE or FORM classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    pub key: &'static str,
    pub label: &'static str,
}

/// Where a citizen or company can write to an authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactPoint {
    /// Unique within the authority; the contact point's id is derived from it.
    pub key: &'static str,
    pub name: &'static str,
    /// The groups it sits in (one or more).
    pub groups: &'static [&'static str],
    pub search_words: &'static [&'static str],
    pub audiences: Audiences,
    /// An invisible contact point cannot be found or written to.
    pub visible: bool,
    /// Shown to the writer before they write.
    pub description: &'static str,
    pub self_service_url: Option<&'static str>,
    /// Labels of up to 2 extra fields the writer is asked (never forced) to fill in.
    pub extra_fields: &'static [&'static str],
    pub kle: Option<Code>,
    pub form: Option<Code>,
    /// The recipient system that receives its messages; `None` for the authority's default.
    pub recipient_system: Option<&'static str>,
}

/// One authority's groups and contact points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactStructure {
    pub authority_id: &'static str,
    pub groups: Vec<ContactGroup>,
    pub points: Vec<ContactPoint>,
}

impl ContactStructure {
    /// The group's path from the top, e.g. `Borgerservice/Pas og kørekort`.
    pub fn group_path(&self, key: &str) -> Option<String> {
        let mut names = Vec::new();
        let mut current = Some(key);
        while let Some(k) = current {
            // A parent chain longer than the number of groups is a loop.
            if names.len() > self.groups.len() {
                return None;
            }
            let group = self.groups.iter().find(|g| g.key == k)?;
            names.push(group.name);
            current = group.parent;
        }
        names.reverse();
        Some(names.join("/"))
    }

    /// The depth of the deepest group (1 for groups without a parent).
    pub fn depth(&self) -> usize {
        self.groups
            .iter()
            .filter_map(|g| self.group_path(g.key))
            .map(|p| p.split('/').count())
            .max()
            .unwrap_or(0)
    }

    pub fn point(&self, key: &str) -> Option<&ContactPoint> {
        self.points.iter().find(|p| p.key == key)
    }

    /// The id of a contact point of this authority.
    pub fn point_id(&self, key: &str) -> Uuid {
        point_id(self.authority_id, key)
    }

    pub fn group_id(&self, key: &str) -> Uuid {
        stable_uuid(&format!("contact-group/{}/{key}", self.authority_id))
    }
}

/// The id of contact point `key` of `authority_id`.
pub fn point_id(authority_id: &str, key: &str) -> Uuid {
    stable_uuid(&format!("contact-point/{authority_id}/{key}"))
}

const CITIZENS: Audiences = Audiences {
    citizens: true,
    companies: false,
    authorities: false,
};
const COMPANIES: Audiences = Audiences {
    citizens: false,
    companies: true,
    authorities: false,
};
const EVERYONE: Audiences = Audiences {
    citizens: true,
    companies: true,
    authorities: true,
};
const AUTHORITIES: Audiences = Audiences {
    citizens: false,
    companies: false,
    authorities: true,
};

fn group(key: &'static str, parent: Option<&'static str>, name: &'static str) -> ContactGroup {
    ContactGroup { key, parent, name }
}

/// A visible contact point for citizens, sent to the authority's default system.
fn point(
    key: &'static str,
    name: &'static str,
    groups: &'static [&'static str],
    search_words: &'static [&'static str],
    description: &'static str,
) -> ContactPoint {
    ContactPoint {
        key,
        name,
        groups,
        search_words,
        audiences: CITIZENS,
        visible: true,
        description,
        self_service_url: None,
        extra_fields: &[],
        kle: None,
        form: None,
        recipient_system: None,
    }
}

impl ContactPoint {
    fn audiences(mut self, audiences: Audiences) -> Self {
        self.audiences = audiences;
        self
    }
    fn hidden(mut self) -> Self {
        self.visible = false;
        self
    }
    fn self_service(mut self, url: &'static str) -> Self {
        self.self_service_url = Some(url);
        self
    }
    fn extra(mut self, fields: &'static [&'static str]) -> Self {
        self.extra_fields = fields;
        self
    }
    fn kle(mut self, key: &'static str, label: &'static str) -> Self {
        self.kle = Some(Code { key, label });
        self
    }
    fn form(mut self, key: &'static str, label: &'static str) -> Self {
        self.form = Some(Code { key, label });
        self
    }
    fn system(mut self, id: &'static str) -> Self {
        self.recipient_system = Some(id);
        self
    }
}

const CHILD_CPR: &str = "Barnets CPR-nummer";
const PLATE: &str = "Registreringsnummer";

/// Every demo authority's contact structure.
pub fn structures() -> Vec<ContactStructure> {
    vec![kommune(), skat(), region(), ydelse(), koeretoej()]
}

/// The contact structure of `authority_id`.
pub fn structure(authority_id: &str) -> Option<ContactStructure> {
    structures()
        .into_iter()
        .find(|s| s.authority_id == authority_id)
}

fn kommune() -> ContactStructure {
    const BS: &str = "fjordmark-kommune-borgerservice";
    ContactStructure {
        authority_id: KOMMUNE,
        groups: vec![
            group("borgerservice", None, "Borgerservice"),
            group("pas-koerekort", Some("borgerservice"), "Pas og kørekort"),
            group("folkeregister", Some("borgerservice"), "Folkeregister og sundhedskort"),
            group("boern-familie", None, "Børn og familie"),
            group("dagtilbud", Some("boern-familie"), "Dagtilbud"),
            group("skole", Some("boern-familie"), "Skole og SFO"),
            group("teknik-miljoe", None, "Teknik og miljø"),
            group("byggeri", Some("teknik-miljoe"), "Byggeri"),
            group("affald", Some("teknik-miljoe"), "Affald og genbrug"),
            group("veje", Some("teknik-miljoe"), "Veje og parkering"),
            group("aeldre-sundhed", None, "Ældre og sundhed"),
            group("job-ydelser", None, "Job og ydelser"),
            group("erhverv", None, "Erhverv"),
            group("tilladelser", Some("erhverv"), "Tilladelser"),
            group("vejareal", Some("tilladelser"), "Brug af vejareal"),
        ],
        points: vec![
            point(
                "pas",
                "Pas",
                &["pas-koerekort"],
                &["pas", "nyt pas", "pasfornyelse", "mistet pas", "rejse", "nødpas"],
                "Skriv til os om pas. Du bestiller tid til at få taget billede og fingeraftryk i vores selvbetjening.",
            )
            .self_service("https://selvbetjening.fjordmark.example/pas/bestil-tid")
            .kle("16.03.00", "Pas")
            .system(BS),
            point(
                "koerekort",
                "Kørekort",
                &["pas-koerekort"],
                &["kørekort", "fornyelse", "internationalt kørekort", "mistet kørekort"],
                "Skriv til os om fornyelse, ombytning eller et mistet kørekort.",
            )
            .system(BS),
            point(
                "flytning",
                "Flytning og adresse",
                &["folkeregister"],
                &["flytning", "adresse", "adresseændring", "folkeregister", "cpr"],
                "Husk at melde flytning senest 5 dage efter, at du er flyttet.",
            )
            .kle("16.05.00", "Flytning")
            .system(BS),
            point(
                "sundhedskort",
                "Sundhedskort og lægevalg",
                &["folkeregister"],
                &["sundhedskort", "sygesikring", "læge", "lægevalg", "gult kort"],
                "Skriv til os, hvis du vil skifte læge eller har mistet dit sundhedskort.",
            )
            .system(BS),
            point(
                "navn",
                "Navneændring",
                &["folkeregister"],
                &["navn", "navneændring", "efternavn", "mellemnavn"],
                "Skriv til os om navneændring. Gebyret betales, når ansøgningen er modtaget.",
            )
            .system(BS),
            point(
                "pladsanvisning",
                "Pladsanvisning",
                &["dagtilbud"],
                &["vuggestue", "børnehave", "dagpleje", "pasning", "venteliste", "plads"],
                "Skriv til Pladsanvisningen om plads i dagpleje, vuggestue eller børnehave.",
            )
            .extra(&[CHILD_CPR])
            .kle("28.12.00", "Dagtilbud, pladsanvisning"),
            point(
                "dagtilbud-betaling",
                "Betaling og friplads",
                &["dagtilbud"],
                &["betaling", "friplads", "økonomisk friplads", "søskenderabat", "takst"],
                "Skriv til os om forældrebetaling og økonomisk friplads.",
            )
            .extra(&[CHILD_CPR])
            .kle("28.77.16", "Dagtilbud, fripladstilskud"),
            point(
                "skoleindskrivning",
                "Skoleindskrivning",
                &["skole"],
                &["skole", "indskrivning", "skolestart", "skoleskift"],
                "Skriv til os om indskrivning til skole og skoleskift.",
            )
            .extra(&[CHILD_CPR, "Nuværende skole"]),
            point(
                "sfo",
                "SFO",
                &["skole", "dagtilbud"],
                &["sfo", "fritidsordning", "udmeldelse"],
                "Skriv til os om plads i SFO og udmeldelse.",
            )
            .extra(&[CHILD_CPR]),
            point(
                "familieraadgivning",
                "Familierådgivningen",
                &["boern-familie"],
                &["familie", "rådgivning", "skilsmisse", "støtte", "bekymring"],
                "Du kan skrive til Familierådgivningen, hvis du har brug for råd eller støtte.",
            ),
            point(
                "underretning",
                "Underretninger fra fagpersoner",
                &["boern-familie"],
                &["underretning", "bekymring", "fagperson"],
                "Til fagpersoner i andre myndigheder, der skal sende en underretning.",
            )
            .audiences(AUTHORITIES),
            point(
                "byggesag",
                "Byggesager",
                &["byggeri"],
                &["byggetilladelse", "byggesag", "carport", "tilbygning", "udestue", "skur"],
                "Ansøgninger om byggetilladelse sendes via Byg og Miljø. Her kan du skrive om en sag, du allerede har.",
            )
            .audiences(EVERYONE)
            .extra(&["Sagsnummer"])
            .kle("02.34.02", "Byggetilladelse")
            .form("02.34.02.01", "Behandling af byggeansøgning"),
            point(
                "bbr",
                "BBR",
                &["byggeri"],
                &["bbr", "boligareal", "bygningsregister", "ejendomsoplysninger"],
                "Skriv til os, hvis oplysningerne om din bolig i BBR er forkerte.",
            )
            .audiences(EVERYONE)
            .extra(&["Ejendomsnummer"]),
            point(
                "affald",
                "Affald og genbrug",
                &["affald"],
                &["affald", "skrald", "storskrald", "genbrugsplads", "affaldsbeholder", "tømning"],
                "Skriv til os om tømning, beholdere og storskrald.",
            )
            .audiences(EVERYONE)
            .kle("07.18.00", "Affald"),
            point(
                "erhvervsaffald",
                "Erhvervsaffald",
                &["affald", "erhverv"],
                &["erhvervsaffald", "affald", "genbrugsplads", "virksomhed"],
                "For virksomheder: registrering på genbrugspladsen og erhvervsaffald.",
            )
            .audiences(COMPANIES),
            point(
                "veje",
                "Veje, fortove og gadelys",
                &["veje"],
                &["vej", "vejarbejde", "hul i vejen", "gadelys", "snerydning", "fortov"],
                "Skriv til os om huller i vejen, gadelys og snerydning.",
            )
            .audiences(EVERYONE)
            .kle("05.00.00", "Veje og trafik"),
            point(
                "parkering",
                "Parkering",
                &["veje"],
                &["parkering", "p-afgift", "parkeringstilladelse", "handicapparkering"],
                "Skriv til os om parkeringstilladelser og parkeringsafgifter.",
            )
            .audiences(EVERYONE)
            .extra(&[PLATE]),
            point(
                "hjemmepleje",
                "Hjemmepleje og praktisk hjælp",
                &["aeldre-sundhed"],
                &["hjemmehjælp", "hjemmepleje", "rengøring", "praktisk hjælp", "visitation"],
                "Skriv til Visitationen om hjælp i hjemmet. Pårørende er også velkomne til at skrive.",
            )
            .kle("27.36.00", "Praktisk hjælp"),
            point(
                "hjaelpemidler",
                "Hjælpemidler",
                &["aeldre-sundhed"],
                &["hjælpemiddel", "rollator", "kørestol", "badebænk", "genbrug"],
                "Skriv til os om udlån, reparation og aflevering af hjælpemidler.",
            ),
            point(
                "tandpleje",
                "Tandplejen",
                &["boern-familie", "aeldre-sundhed"],
                &["tandlæge", "tandpleje", "børnetandpleje", "omsorgstandpleje", "tænder"],
                "Skriv til Tandplejen om tider og flytning af tider. Ved akut tandpine: ring.",
            )
            .extra(&[CHILD_CPR]),
            point(
                "jobcenter",
                "Jobcenter",
                &["job-ydelser"],
                &["job", "ledig", "jobcenter", "samtale", "cv", "aktivering"],
                "Skriv til Jobcenter Fjordmark om samtaler, aktiviteter og jobsøgning.",
            ),
            point(
                "sygedagpenge",
                "Sygedagpenge",
                &["job-ydelser"],
                &["syg", "sygedagpenge", "sygemelding", "raskmelding"],
                "Skriv til os om sygedagpenge. Husk at skrive, når du er rask igen.",
            )
            .audiences(EVERYONE),
            point(
                "ejendomsskat",
                "Ejendomsskat",
                &["erhverv", "teknik-miljoe"],
                &["ejendomsskat", "grundskyld", "dækningsafgift", "opkrævning"],
                "Skriv til os om opkrævning af ejendomsskat.",
            )
            .audiences(EVERYONE)
            .extra(&["Ejendomsnummer"]),
            point(
                "udeservering",
                "Udeservering og råden over vejareal",
                &["vejareal", "veje"],
                &["udeservering", "fortov", "skilte", "stillads", "tilladelse"],
                "For virksomheder: tilladelse til udeservering, skilte og stilladser på vejareal.",
            )
            .audiences(COMPANIES)
            .extra(&["Adresse"]),
            point(
                "teknik-gammel",
                "Teknisk Forvaltning (gammel postkasse)",
                &["teknik-miljoe"],
                &["teknik", "forvaltning"],
                "Nedlagt. Skriv i stedet til Byggesager eller Veje.",
            )
            .audiences(EVERYONE)
            .hidden(),
        ],
    }
}

fn skat() -> ContactStructure {
    ContactStructure {
        authority_id: SKAT,
        groups: vec![
            group("personlig", None, "Personlig skat"),
            group("aarsopgoerelse", Some("personlig"), "Årsopgørelse"),
            group("erhverv", None, "Erhverv"),
            group("moms-afgifter", Some("erhverv"), "Moms og afgifter"),
            group("ejendom", None, "Ejendom"),
        ],
        points: vec![
            point(
                "aarsopgoerelse",
                "Årsopgørelse",
                &["aarsopgoerelse"],
                &["årsopgørelse", "restskat", "overskydende skat", "fradrag"],
                "Skriv til os, hvis du har spørgsmål til din årsopgørelse. Ret selv oplysningerne på Mine Skatter.",
            )
            .self_service("https://mineskatter.skattekontoret.example"),
            point(
                "restskat",
                "Restskat og betaling",
                &["aarsopgoerelse"],
                &["restskat", "betaling", "afdrag", "rykker", "rente"],
                "Skriv til os om betaling af restskat og aftaler om afdrag.",
            ),
            point(
                "forskud",
                "Forskudsopgørelse og skattekort",
                &["personlig"],
                &["forskudsopgørelse", "skattekort", "trækprocent", "fradrag"],
                "Skriv til os om din forskudsopgørelse og dit skattekort.",
            ),
            point(
                "moms",
                "Moms",
                &["moms-afgifter"],
                &["moms", "momsangivelse", "momsfrist", "momsregistrering"],
                "For virksomheder: spørgsmål om moms, angivelse og frister.",
            )
            .audiences(COMPANIES)
            .form("21.02.04", "Momsangivelse"),
            point(
                "a-skat",
                "A-skat og AM-bidrag",
                &["moms-afgifter"],
                &["a-skat", "am-bidrag", "eindkomst", "lønindberetning"],
                "For virksomheder: indberetning og betaling af A-skat og AM-bidrag.",
            )
            .audiences(COMPANIES),
            point(
                "vurdering",
                "Ejendomsvurdering",
                &["ejendom"],
                &["vurdering", "ejendomsvurdering", "klage", "grundværdi"],
                "Skriv til os om vurderingen af din ejendom.",
            )
            .audiences(EVERYONE)
            .extra(&["Ejendomsnummer"]),
            point(
                "myndighedssamarbejde",
                "Samarbejde med andre myndigheder",
                &["erhverv"],
                &["myndighed", "oplysninger", "samarbejde"],
                "Til andre myndigheder, der skal udveksle oplysninger med os.",
            )
            .audiences(AUTHORITIES),
        ],
    }
}

fn region() -> ContactStructure {
    const SYGEHUS: &str = "region-midtkyst-sygehus";
    ContactStructure {
        authority_id: REGION,
        groups: vec![
            group("sygehus", None, "Fjordmark Sygehus"),
            group("ambulatorier", Some("sygehus"), "Ambulatorier"),
            group("patient", None, "Patienter og pårørende"),
        ],
        points: vec![
            point(
                "ortopaed",
                "Ortopædkirurgisk Ambulatorium",
                &["ambulatorier"],
                &["knæ", "hofte", "ortopæd", "operation", "ryg", "skulder"],
                "Skriv til Ortopædkirurgisk Ambulatorium om din undersøgelse eller operation.",
            )
            .system(SYGEHUS),
            point(
                "medicinsk",
                "Medicinsk Ambulatorium",
                &["ambulatorier"],
                &["medicinsk", "diabetes", "hjerte", "lunger", "blodprøve"],
                "Skriv til Medicinsk Ambulatorium om dit forløb.",
            )
            .system(SYGEHUS),
            point(
                "roentgen",
                "Røntgen og Skanning",
                &["ambulatorier"],
                &["røntgen", "skanning", "scanning", "mr", "ct", "ultralyd"],
                "Skriv til os om tider til røntgen og skanning.",
            )
            .system(SYGEHUS),
            point(
                "patientkontoret",
                "Patientkontoret",
                &["sygehus", "patient"],
                &["aftale", "flytte tid", "ændre tid", "aflyse", "indkaldelse"],
                "Skriv til Patientkontoret, hvis du vil flytte eller aflyse en tid.",
            )
            .system(SYGEHUS),
            point(
                "befordring",
                "Befordring til sygehus",
                &["patient"],
                &["kørsel", "transport", "befordring", "taxa", "liggende"],
                "Skriv til os om kørsel til og fra sygehuset.",
            ),
            point(
                "patientvejledning",
                "Patientvejledningen",
                &["patient"],
                &[
                    "klage",
                    "rettigheder",
                    "frit sygehusvalg",
                    "ventetid",
                    "erstatning",
                ],
                "Patientvejledningen hjælper med dine rettigheder som patient.",
            ),
            point(
                "screening",
                "Screeningssekretariatet",
                &["patient"],
                &[
                    "screening",
                    "livmoderhalskræft",
                    "tarmkræft",
                    "brystkræft",
                    "prøvesæt",
                ],
                "Skriv til os om screeningsprogrammerne.",
            )
            .self_service("https://screening.regionmidtkyst.example/bestil-tid"),
        ],
    }
}

fn ydelse() -> ContactStructure {
    ContactStructure {
        authority_id: YDELSE,
        groups: vec![
            group("pension", None, "Pension"),
            group("familie", None, "Familie"),
            group("boern", Some("familie"), "Børn"),
            group("bolig", None, "Bolig"),
        ],
        points: vec![
            point(
                "folkepension",
                "Folkepension",
                &["pension"],
                &["pension", "folkepension", "pensionstillæg", "udbetaling"],
                "Skriv til os om din folkepension.",
            )
            .form("32.18.10", "Folkepension, tilkendelse og udbetaling"),
            point(
                "aeldrecheck",
                "Ældrecheck og helbredstillæg",
                &["pension"],
                &["ældrecheck", "helbredstillæg", "medicin", "tandlæge", "formue"],
                "Skriv til os om ældrecheck og helbredstillæg.",
            ),
            point(
                "boerneydelse",
                "Børne- og ungeydelse",
                &["boern"],
                &["børnecheck", "børneydelse", "ungeydelse"],
                "Skriv til os om børne- og ungeydelse.",
            )
            .extra(&[CHILD_CPR]),
            point(
                "boernetilskud",
                "Børnetilskud",
                &["boern"],
                &["børnetilskud", "enlig forsørger", "bidrag"],
                "Skriv til os om børnetilskud og børnebidrag.",
            )
            .extra(&[CHILD_CPR]),
            point(
                "barsel",
                "Barselsdagpenge",
                &["familie"],
                &["barsel", "barselsdagpenge", "orlov", "fødsel"],
                "Skriv til os om barselsdagpenge.",
            )
            .audiences(EVERYONE),
            point(
                "boligstoette",
                "Boligstøtte",
                &["bolig"],
                &["boligstøtte", "boligsikring", "boligydelse", "husleje"],
                "Skriv til os om boligstøtte. Husk at give besked, hvis din husleje eller husstand ændrer sig.",
            )
            .self_service("https://selvbetjening.ydelseskontoret.example/boligstoette"),
        ],
    }
}

fn koeretoej() -> ContactStructure {
    ContactStructure {
        authority_id: KOERETOEJ,
        groups: vec![
            group("syn", None, "Syn"),
            group("registrering", None, "Registrering"),
            group("nummerplader", Some("registrering"), "Nummerplader"),
        ],
        points: vec![
            point(
                "periodisk-syn",
                "Periodisk syn",
                &["syn"],
                &["syn", "indkaldelse", "synsfrist", "bilsyn", "omsyn"],
                "Skriv til os om indkaldelse til syn og frister.",
            )
            .audiences(EVERYONE)
            .extra(&[PLATE, "Stelnummer"]),
            point(
                "synsrapport",
                "Synsrapporter",
                &["syn"],
                &["synsrapport", "fejl", "mangler", "godkendt"],
                "Skriv til os om en synsrapport.",
            )
            .audiences(EVERYONE)
            .extra(&[PLATE]),
            point(
                "nummerplader",
                "Nummerplader og afmelding",
                &["nummerplader"],
                &[
                    "nummerplade",
                    "nummerplader",
                    "afmelding",
                    "ønskeplade",
                    "mistet",
                ],
                "Skriv til os om nummerplader, ønskeplader og afmelding.",
            )
            .audiences(EVERYONE)
            .extra(&[PLATE]),
            point(
                "ejerskifte",
                "Ejerskifte",
                &["registrering"],
                &["ejerskifte", "køb", "salg", "registreringsattest"],
                "Skriv til os om registrering af ejerskifte.",
            )
            .audiences(EVERYONE)
            .extra(&[PLATE]),
        ],
    }
}

impl ContactStructure {
    /// The structure as a contact structure file (the CSV format of
    /// `crate::contacts::csv_import`), the way an authority would upload it.
    pub fn to_csv(&self) -> String {
        fn cell(s: &str) -> String {
            format!("\"{}\"", s.replace('"', "\"\""))
        }
        let mut out = String::from(
            "type;id;parent_id;name;search_words;audiences;visibility;description;\
             self_service_url;groups;extra_field_1;extra_field_2;kle_codes;form_codes;\
             recipient_system_id\n",
        );
        for g in &self.groups {
            let parent = g
                .parent
                .map(|p| self.group_id(p).to_string())
                .unwrap_or_default();
            let row = [
                "KONTAKTGRUPPE".to_owned(),
                self.group_id(g.key).to_string(),
                parent,
                g.name.to_owned(),
            ];
            let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
            out.push_str(&cells.join(";"));
            out.push_str(&";".repeat(11));
            out.push('\n');
        }
        for p in &self.points {
            let mut audiences = Vec::new();
            if p.audiences.citizens {
                audiences.push("CITIZEN");
            }
            if p.audiences.companies {
                audiences.push("COMPANY");
            }
            if p.audiences.authorities {
                audiences.push("AUTHORITY");
            }
            let groups: Vec<String> = p
                .groups
                .iter()
                .map(|g| self.group_id(g).to_string())
                .collect();
            let code = |c: Option<Code>| {
                c.map(|c| format!("{} {}", c.key, c.label))
                    .unwrap_or_default()
            };
            let row = [
                "KONTAKTPUNKT".to_owned(),
                self.point_id(p.key).to_string(),
                String::new(),
                p.name.to_owned(),
                p.search_words.join("|"),
                audiences.join("|"),
                if p.visible { "VISIBLE" } else { "HIDDEN" }.to_owned(),
                p.description.to_owned(),
                p.self_service_url.unwrap_or_default().to_owned(),
                groups.join("|"),
                p.extra_fields
                    .first()
                    .copied()
                    .unwrap_or_default()
                    .to_owned(),
                p.extra_fields
                    .get(1)
                    .copied()
                    .unwrap_or_default()
                    .to_owned(),
                code(p.kle),
                code(p.form),
                p.recipient_system.unwrap_or_default().to_owned(),
            ];
            let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
            out.push_str(&cells.join(";"));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_paths_follow_parents() {
        let k = kommune();
        assert_eq!(
            k.group_path("pas-koerekort").as_deref(),
            Some("Borgerservice/Pas og kørekort")
        );
        assert_eq!(k.group_path("nope"), None);
    }

    #[test]
    fn a_parent_loop_has_no_path() {
        let s = ContactStructure {
            authority_id: "x",
            groups: vec![group("a", Some("b"), "A"), group("b", Some("a"), "B")],
            points: vec![],
        };
        assert_eq!(s.group_path("a"), None);
    }
}
