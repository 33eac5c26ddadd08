"""The synthetic corpus's vocabulary: services with their codes, modalities, situations, roles,
payers, question and query templates, answer sentences. Invented wording, in no publisher's text."""

from __future__ import annotations

# (code, descriptor, what coders call the service)
SERVICES: tuple[tuple[str, str, str], ...] = (
    ("77261", "Therapeutic radiology treatment planning; simple", "simple treatment planning"),
    (
        "77262",
        "Therapeutic radiology treatment planning; intermediate",
        "intermediate treatment planning",
    ),
    ("77263", "Therapeutic radiology treatment planning; complex", "complex treatment planning"),
    ("77280", "Therapeutic radiology simulation-aided field setting; simple", "simple simulation"),
    (
        "77290",
        "Therapeutic radiology simulation-aided field setting; complex",
        "complex simulation",
    ),
    ("77293", "Respiratory motion management simulation", "respiratory motion management"),
    (
        "77295",
        "3-dimensional radiotherapy plan, including dose-volume histograms",
        "3D conformal planning",
    ),
    ("77300", "Basic radiation dosimetry calculation", "basic dosimetry calculation"),
    ("77301", "Intensity modulated radiotherapy plan", "IMRT planning"),
    ("77306", "Teletherapy isodose plan; simple", "simple isodose plan"),
    ("77307", "Teletherapy isodose plan; complex", "complex isodose plan"),
    ("77316", "Brachytherapy isodose plan; simple", "simple brachytherapy isodose plan"),
    ("77318", "Brachytherapy isodose plan; complex", "complex brachytherapy isodose plan"),
    ("77321", "Special teletherapy port plan", "special port plan"),
    ("77331", "Special dosimetry", "special dosimetry"),
    ("77332", "Treatment devices, design and construction; simple", "simple treatment device"),
    (
        "77333",
        "Treatment devices, design and construction; intermediate",
        "intermediate treatment device",
    ),
    ("77334", "Treatment devices, design and construction; complex", "complex treatment device"),
    ("77336", "Continuing medical physics consultation", "weekly physics consultation"),
    (
        "77338",
        "Multi-leaf collimator device(s) for intensity modulated radiation therapy",
        "MLC device design for IMRT",
    ),
    ("77370", "Special medical radiation physics consultation", "special physics consultation"),
    (
        "77371",
        "Radiation treatment delivery, stereotactic radiosurgery, multi-source cobalt 60",
        "Gamma Knife delivery",
    ),
    (
        "77372",
        "Radiation treatment delivery, stereotactic radiosurgery, linear accelerator based",
        "linac radiosurgery delivery",
    ),
    ("77373", "Stereotactic body radiation therapy, treatment delivery", "SBRT delivery"),
    ("77385", "Intensity modulated radiation treatment delivery; simple", "simple IMRT delivery"),
    ("77386", "Intensity modulated radiation treatment delivery; complex", "complex IMRT delivery"),
    (
        "77387",
        "Guidance for localization of target volume for delivery of radiation treatment",
        "image guidance",
    ),
    (
        "77401",
        "Radiation treatment delivery, superficial and/or ortho voltage",
        "superficial delivery",
    ),
    ("77402", "Radiation treatment delivery; simple", "simple treatment delivery"),
    ("77407", "Radiation treatment delivery; intermediate", "intermediate treatment delivery"),
    ("77412", "Radiation treatment delivery; complex", "complex treatment delivery"),
    ("77417", "Therapeutic radiology port image(s)", "port films"),
    ("77427", "Radiation treatment management, 5 treatments", "weekly treatment management"),
    (
        "77431",
        "Radiation therapy management with complete course of therapy consisting of 1 or "
        "2 fractions only",
        "short course management",
    ),
    ("77432", "Stereotactic radiation treatment management of cranial lesion(s)", "SRS management"),
    ("77435", "Stereotactic body radiation therapy, treatment management", "SBRT management"),
    ("77469", "Intraoperative radiation treatment management", "IORT management"),
    ("77470", "Special treatment procedure", "special treatment procedure"),
    ("77520", "Proton treatment delivery; simple, without compensation", "simple proton delivery"),
    ("77525", "Proton treatment delivery; complex", "complex proton delivery"),
    ("77600", "Hyperthermia, externally generated; superficial", "superficial hyperthermia"),
    (
        "77767",
        "Remote afterloading high dose rate radionuclide skin surface brachytherapy",
        "HDR skin brachytherapy",
    ),
    (
        "77770",
        "Remote afterloading high dose rate radionuclide interstitial or intracavitary "
        "brachytherapy; 1 channel",
        "single-channel HDR brachytherapy",
    ),
    (
        "77772",
        "Remote afterloading high dose rate radionuclide interstitial or intracavitary "
        "brachytherapy; over 12 channels",
        "HDR brachytherapy over 12 channels",
    ),
    ("77778", "Interstitial radiation source application, complex", "LDR seed implant"),
    ("77789", "Surface application of low dose rate radionuclide source", "LDR surface source"),
    ("77790", "Supervision, handling, loading of radiation source", "source handling"),
    (
        "G6001",
        "Ultrasonic guidance for placement of radiation therapy fields",
        "ultrasound guidance",
    ),
    (
        "G6002",
        "Stereoscopic x-ray guidance for localization of target volume",
        "stereoscopic x-ray guidance",
    ),
    (
        "G6015",
        "Intensity modulated treatment delivery, single or multiple fields/arcs",
        "IMRT delivery under Medicare",
    ),
    (
        "0394T",
        "High dose rate electronic brachytherapy, skin surface application",
        "electronic brachytherapy",
    ),
)

MODALITIES = (
    "IMRT",
    "SBRT",
    "SRS",
    "3D conformal therapy",
    "proton therapy",
    "HDR brachytherapy",
    "LDR prostate brachytherapy",
    "electron therapy",
    "total body irradiation",
    "VMAT",
    "Gamma Knife radiosurgery",
    "superficial x-ray therapy",
    "intraoperative radiation therapy",
    "hyperthermia",
)

SITUATIONS = (
    "after the course of treatment has ended",
    "when treatment is interrupted for two weeks",
    "when the patient is treated twice a day",
    "for a patient who transfers from another facility in the middle of the course",
    "when the plan is revised after a new simulation",
    "for a single-fraction palliative treatment",
    "when the radiation oncologist is off site",
    "during a holiday week with only three fractions",
    "for a pediatric patient treated under anesthesia",
    "when two separate sites are treated at the same time",
    "when a boost follows the initial course",
    "for a re-irradiation of a previously treated area",
    "when the physicist works remotely",
    "when the patient refuses further treatment after the first fraction",
    "for a patient enrolled in a clinical trial",
    "when the same physician plans and supervises",
    "when the treatment machine breaks down mid-course",
    "for a hospital outpatient department claim",
    "in a freestanding radiation oncology center",
    "when a locum tenens physician covers the week",
    "when the dosimetrist prepares the plan under general supervision",
    "for bilateral breast treatment",
    "when the patient is seen by a nurse practitioner instead of the physician",
    "when the imaging is reviewed the next day",
)

ROLES = (
    "the radiation oncologist",
    "a qualified medical physicist",
    "the dosimetrist",
    "a radiation therapist",
    "a nurse practitioner",
    "a resident physician",
)
PAYERS = (
    "Medicare",
    "a Medicare Advantage plan",
    "a commercial payer",
    "Medicaid",
    "the hospital's fiscal intermediary",
)
FREQUENCIES = (
    "once per course",
    "once per week of treatment",
    "once per fraction",
    "once per day",
    "once per plan",
    "once per treatment session",
)

QUESTION_TEMPLATES = (
    "Can {code} be billed {situation} for {modality}?",
    "How often may {service} ({code}) be reported {situation}?",
    "Who must supervise {service} for {modality} {situation}?",
    "Is {code} separately reportable with {code2} {situation}?",
    "What documentation does {payer} require for {service} ({code}) {situation}?",
    "Should {service} be coded per fraction or per course for {modality} {situation}?",
    "May {role} perform {service} ({code}) {situation}, and who signs the note?",
    "Does {payer} accept {code} for {modality} {situation}, or is {code2} required instead?",
    "Which code describes {service} for {modality} {situation}?",
    "Is a separate order needed for {service} ({code}) {situation} when {role} requests it?",
)

QUERY_TEMPLATES = (
    "can i bill {code} {situation} ({modality})",
    "{modality} {situation} - {service} billable?",
    "how many times can we charge {code} {situation}",
    "who has to supervise {service} {situation} for {modality} pts",
    "{code} with {code2} {situation}, allowed?",
    "what does {payer} want documented for {service} {situation}",
    "{service} per fx or per course? {modality} {situation}",
)

OUT_OF_SCOPE = (
    "What is the ICD-10 code for a left knee sprain?",
    "How do I bill an MRI of the lumbar spine 72148 for back pain?",
    "Which modifier applies to a bilateral cataract surgery?",
    "Can a dentist bill 99213 for a routine cleaning visit?",
    "What is the copay for a flu shot at a retail pharmacy?",
    "How should an emergency department code a broken wrist cast?",
    "Is physical therapy after hip replacement covered by Medicare Part B?",
    "What are the documentation rules for home health aide visits?",
    "How do we code a screening colonoscopy with polyp removal?",
    "Which HCPCS code covers a standard wheelchair rental?",
)

TITLES = ("Daily Practice", "Coding Corner", "Coding Q&A", "Billing Questions of the Month")
SENTENCES_RULE = (
    "CPT® code {code} ({descriptor}) is reported {frequency} for {modality} when the service is "
    "documented in the patient's chart.",
    "{service_cap} (CPT® code {code}) may be reported {frequency}; it describes {descriptor_low}.",
    "Report CPT® code {code} ({descriptor}) {frequency}, provided the medical necessity is clear "
    "from the record.",
)
SENTENCES_CONDITION = (
    "{situation_cap}, the service remains reportable only if it was actually furnished and the "
    "work is distinct from other services billed that day.",
    "{situation_cap}, do not report it again unless a new, separately documented service was "
    "performed.",
    "{situation_cap}, {payer} expects the record to explain why the service was needed.",
    "{situation_cap}, bill what was furnished and note the circumstances in the chart.",
)
SENTENCES_SUPERVISION = (
    "{role_cap} must perform or directly supervise the work, and the supervising physician "
    "signs and dates the note.",
    "Supervision follows the payer's rules: under general supervision {role} may perform the "
    "work without the physician on site.",
    "The physician must be immediately available; {role} may not bill the service in their "
    "own name.",
)
SENTENCES_BUNDLING = (
    "CPT® code {code2} is not reported separately on the same day when it is part of the same "
    "service.",
    "Do not report {code2} in addition unless the documentation supports a distinct service.",
    "{payer} bundles {code2} into this service under the National Correct Coding Initiative edits.",
)
SENTENCES_DOCS = (
    "Keep a written order, the signed report and the dates of service together in the chart.",
    "The note should name the treatment site, the modality and the clinical reason.",
    "Audit findings most often cite a missing signature or date on the report.",
)
