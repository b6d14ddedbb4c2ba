/// Embedded lists the synthetic bases draw from: frequent French birth names and first names,
/// and real COG codes (communes, Corsica, and countries for people born abroad).
enum SyntheticNames {
    static let birthNames = [
        "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT",
        "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRARD",
        "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT", "MULLER", "LEFEVRE", "FAURE", "ANDRE",
        "MERCIER", "BLANC", "GUERIN", "BOYER", "GARNIER", "CHEVALIER", "FRANCOIS", "LEGRAND", "GAUTHIER", "GARCIA",
        "PERRIN", "ROBIN", "CLEMENT", "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU", "GAUTIER", "MASSON",
        "MARCHAND", "DUVAL", "DENIS", "DUMONT", "MARIE", "LEMAIRE", "NOEL", "MEYER", "DUFOUR", "MEUNIER",
        "BRUN", "BLANCHARD", "GIRAUD", "JOLY", "RIVIERE", "LUCAS", "BRUNET", "GAILLARD", "BARBIER", "ARNAUD",
        "MARTINEZ", "GERARD", "ROCHE", "RENARD", "SCHMITT", "ROY", "LEROUX", "COLIN", "VIDAL", "CARON",
        "PICARD", "ROGER", "FABRE", "AUBERT", "LEMOINE", "RENAUD", "DUMAS", "LACROIX", "OLIVIER", "PHILIPPE",
        "BOURGEOIS", "PIERRE", "BENOIT", "REY", "LECLERC", "PAYET", "ROLLAND", "LECLERCQ", "GUILLAUME", "LECOMTE",
        "NGUYEN", "DIALLO", "TRAORE", "DIOP", "NDIAYE", "KONE", "CAMARA", "BENALI", "HADDAD", "SANTOS",
    ]
    static let apostropheNames = ["D'ALMEIDA", "N'GUESSAN", "D'ARTOIS", "L'HERMITE", "D'ANGELO", "O'NEILL"]
    static let femaleFirstNames = [
        "MARIE", "NATHALIE", "ISABELLE", "SYLVIE", "CATHERINE", "MARTINE", "CHRISTINE", "FRANCOISE", "VALERIE", "SANDRINE",
        "STEPHANIE", "VERONIQUE", "SOPHIE", "CELINE", "CHANTAL", "PATRICIA", "ANNE", "BRIGITTE", "JULIE", "MONIQUE",
        "AURELIE", "NICOLE", "LAURENCE", "CAROLINE", "EMILIE", "CLAIRE", "CAMILLE", "EMMA", "LEA", "CHLOE",
        "MANON", "INES", "JADE", "LOUISE", "ALICE", "LINA", "ROSE", "ANNA", "ZOE", "LUCIE",
        "ANNE-SOPHIE", "MARIE-CLAIRE", "MARIE-PIERRE", "FATIMA", "AMINATA", "JEANNE", "HELENE", "AGNES", "ODILE", "PAULINE",
    ]
    static let maleFirstNames = [
        "JEAN", "PHILIPPE", "MICHEL", "ALAIN", "PATRICK", "NICOLAS", "CHRISTOPHE", "PIERRE", "CHRISTIAN", "ERIC",
        "FREDERIC", "LAURENT", "STEPHANE", "DAVID", "PASCAL", "DANIEL", "SEBASTIEN", "JULIEN", "THIERRY", "OLIVIER",
        "BERNARD", "THOMAS", "ALEXANDRE", "GERARD", "DIDIER", "DOMINIQUE", "VINCENT", "FRANCOIS", "BRUNO", "GUILLAUME",
        "LUCAS", "HUGO", "LOUIS", "GABRIEL", "ARTHUR", "JULES", "ADAM", "RAPHAEL", "PAUL", "NOAH",
        "JEAN-PIERRE", "JEAN-LUC", "JEAN-MARC", "PIERRE-ALAIN", "MOHAMED", "MAMADOU", "ANTOINE", "HENRI", "ETIENNE", "YVES",
    ]
    /// Communes (including Corsica; Paris, Lyon and Marseille by their commune code, which the
    /// generator turns into one of their arrondissements) and countries (`99xxx`).
    static let communes = [
        "75056", "13055", "69123", "31555", "06088", "44109", "67482", "34172", "33063", "59350",
        "35238", "51454", "83137", "42218", "76351", "38185", "21231", "49007", "30189", "63113",
        "2A004", "2A247", "2B033", "2B096", "97411", "97209", "87085", "64445", "29019", "57463",
    ]
    static let countries = ["99350", "99352", "99139", "99341", "99127", "99134", "99109", "99351", "99330", "99243"]
}
