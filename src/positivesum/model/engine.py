"""Campaign-engine parameters: one notional parameter set that serves every scenario.

These are modelling assumptions (confidence ``notional``) with the reasoning
behind each value in the data file. They are deliberately few, global and easy
to override (``--set engine.<name>=value``); nothing is set per scenario.
"""

from __future__ import annotations

from .base import Fraction, NonNegative, Strict, unit


class EngineParameters(Strict):
    """Global parameters of the campaign engine (see docs/methodology/campaign.md)."""

    time_step_days: NonNegative = unit("days")
    """Length of one simulation step (half a day by default)."""
    air_superiority_share: Fraction = unit("fraction of sorties")
    """Share of sorties of multi-role fighters flown for air superiority rather than strike."""
    tanker_radius_factor: NonNegative = unit("ratio")
    """How far tanker support stretches combat radius (1.0 = none); beyond it the sortie rate decays (``sortie_distance_decay_km``)."""
    sortie_distance_decay_km: NonNegative = unit("km")
    """Distance over which sortie rate halves beyond the combat radius (transit time, tanker limits)."""
    aircraft_killed_per_missile: NonNegative = unit("aircraft per penetrating missile")
    """Aircraft in the open destroyed by one ballistic or cruise missile that reaches an air base (submunitions)."""
    sheltered_kill_probability: Fraction = unit("probability")
    """Probability that one penetrating missile aimed at a shelter destroys the aircraft inside."""
    runway_cut_per_missile: NonNegative = unit("runway-equivalents per missile")
    """Runway capacity cut by one penetrating missile (craters), before repair."""
    red_missile_share_on_bases: Fraction = unit("fraction of salvo")
    """Share of the adversary's land-attack missiles aimed at air bases (the rest at ports and C2)."""
    naval_transit_km_per_day: NonNegative = unit("km/day")
    """Speed of advance of ships and sealifted forces moving from their base to the theatre."""
    naval_rearm_days: NonNegative = unit("days")
    """Days a ship or submarine needs to fire its launch cells, withdraw, reload in port and return."""
    launcher_salvos_per_day: NonNegative = unit("salvos/day")
    """Salvos a land-based missile launcher fires per day (reload from nearby stocks)."""
    theatre_radius_km: NonNegative = unit("km")
    """Ground forces based within this distance of the theatre's reference point fight there; others stay home."""
    ship_missile_range_margin: NonNegative = unit("ratio")
    """Fraction of a missile's range at which it can engage ships under way (targeting losses at long range)."""
    amphibious_trips_per_day: NonNegative = unit("trips/day")
    """Round trips per day an amphibious ship makes across the strait or to the islands."""
    supply_tonnes_per_troop_day: NonNegative = unit("tonnes/troop/day")
    """Supply a soldier ashore consumes per day."""
    supply_tonnes_per_lift_troop: NonNegative = unit("tonnes per troop-space")
    """Cargo one troop-space of lift carries when used for supply."""
    out_of_supply_attrition_per_day: Fraction = unit("fraction/day")
    """Extra daily loss of combat power of forces ashore that are out of supply."""
    ground_attrition_per_day: NonNegative = unit("1/day")
    """Lanchester square-law attrition coefficient between ground forces per day (per unit of enemy strength ratio)."""
    defender_share_in_contact: Fraction = unit("fraction of defending troops")
    """Share of the defender's ground troops in theatre that can fight the lodgement (the rest hold other beaches, cities and lines of communication)."""
    defender_breakpoint_fraction: Fraction = unit("fraction of peak strength lost")
    """Losses at which the defending ground force in contact breaks (with the attacker at the decisive ratio, the objective falls)."""
    decisive_force_ratio: NonNegative = unit("ratio")
    """Attacker-to-defender ground ratio at which the attacker's objective is taken."""
    amphibious_fleet_broken_fraction: Fraction = unit("fraction of lift")
    """Below this share of its initial lift the adversary can no longer land or resupply: the invasion fails."""
    lodgement_collapse_fraction: Fraction = unit("fraction of peak")
    """Once the adversary's lift is broken, the invasion is defeated when the force ashore falls below this share of its peak."""
    isr_base_detection: Fraction = unit("probability")
    """Probability of detecting and tracking a target with no dedicated ISR assets in theatre."""
    isr_units_half_gap: NonNegative = unit("ISR units")
    """ISR units that close half of the remaining gap to perfect detection."""
    missile_reliability: Fraction = unit("probability")
    """Launch and flight reliability of a missile (Hughes' launch reliability)."""
    interceptor_kill_probability: Fraction = unit("probability")
    """Probability that one interceptor defeats one incoming missile."""
    anti_ship_overkill: NonNegative = unit("ratio")
    """Anti-ship fire per step is held to this multiple of the hits needed to disable every exposed target (after saturating its defences)."""
    amphibious_target_priority: NonNegative = unit("ratio")
    """How much more fire an amphibious ship draws than a warship of equal staying power (the invasion fleet is the objective)."""
    loaded_fraction: Fraction = unit("fraction")
    """Share of amphibious ships that are loaded with troops when sunk."""
    troops_killed_per_strike_weapon: NonNegative = unit("troops per effective weapon")
    """Troops ashore put out of action by one land-attack weapon that hits."""
    in_port_exposure_km: NonNegative = unit("km")
    """Ships in a port within this distance of the theatre can be struck before they sail."""
    supplies_only_transfer_share: Fraction = unit("fraction of the supplier's stock")
    """Under ``supplies_only``: share of the intervening actor's stock of each munition an ally holds that is shipped to it."""
    supplies_only_transfer_days: NonNegative = unit("days")
    """Under ``supplies_only``: day the shipped munitions arrive."""
    blockade_days_of_supply: NonNegative = unit("days")
    """Days a blockaded island holds out without resupply (blockade objective)."""
    blockade_ships_needed: NonNegative = unit("ships")
    """Surface combatants the adversary needs on station to keep a blockade effective."""
    casualties_per_aircraft_lost: NonNegative = unit("persons per aircraft")
    """Personnel casualties per aircraft lost (aircrew and ground crew at struck bases)."""
    casualty_fraction_of_crew_per_ship_lost: Fraction = unit("fraction of crew")
    """Share of a lost ship's crew counted as casualties."""
