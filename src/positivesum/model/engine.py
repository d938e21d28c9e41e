"""Campaign-engine parameters: one notional parameter set that serves every scenario.

These are modelling assumptions (confidence ``notional``) with the reasoning
behind each value in the data file. They are deliberately global and easy to
override (``--set engine.<name>=value``); nothing is set per scenario. Each is
used by the rule named in docs/methodology/campaign.md (section in brackets).
"""

from __future__ import annotations

from .base import Fraction, NonNegative, Strict, unit


class EngineParameters(Strict):
    """Global parameters of the campaign engine (see docs/methodology/campaign.md)."""

    # --- time, air operations (§3.3) ---------------------------------------------------------------
    time_step_days: NonNegative = unit("days")
    """Length of one simulation step (half a day by default)."""
    air_superiority_share: Fraction = unit("fraction of sorties")
    """Share of sorties of multi-role fighters flown for air superiority rather than strike."""
    tanker_radius_factor: NonNegative = unit("ratio")
    """How far tanker support stretches combat radius (1.0 = none); beyond it the sortie rate decays
    (``sortie_distance_decay_km``)."""
    sortie_distance_decay_km: NonNegative = unit("km")
    """Distance over which sortie rate halves beyond the combat radius (transit time, tanker limits)."""

    # --- missile strikes on fixed targets: the kill chain (§3.2) ------------------------------------
    aircraft_killed_per_missile: NonNegative = unit("aircraft per penetrating missile")
    """Aircraft in the open destroyed by one ballistic or cruise missile that reaches an air base (submunitions)."""
    sheltered_kill_probability: Fraction = unit("probability")
    """Probability that one penetrating missile aimed at a shelter destroys the aircraft inside."""
    runway_cut_per_missile: NonNegative = unit("runway-equivalents per missile")
    """Runway capacity cut by one penetrating missile (craters), before repair."""
    fire_weight_air_bases: NonNegative = unit("relative weight")
    """Priority of parked aircraft (combat and ISR) and runways in a side's daily allocation of land-attack fire."""
    fire_weight_launchers: NonNegative = unit("relative weight")
    """Priority of the enemy's ground-based missile launchers and air-defence batteries."""
    fire_weight_ships_in_port: NonNegative = unit("relative weight")
    """Priority of enemy warships and amphibious ships alongside in port."""
    fire_weight_c2: NonNegative = unit("relative weight")
    """Priority of the enemy's command-and-control nodes (headquarters of the scenario's command structure)."""
    fire_weight_logistics: NonNegative = unit("relative weight")
    """Priority of the enemy's bases as logistics nodes (fuel, munitions handling, piers)."""
    fire_weight_ground_forces: NonNegative = unit("relative weight")
    """Priority of the enemy's ground forces in contact (defenders of the lodgement, or the lodgement itself)."""
    target_bases: NonNegative = unit("bases")
    """Bases on each side's pre-war target list for land-attack fire: those in reach holding most of the enemy's
    aircraft, launchers and ships."""
    targeting_aimpoints_per_day: NonNegative = unit("aimpoints/day")
    """Fixed targets a side can plan, strike and assess per day with its command-and-control intact."""
    missiles_per_aimpoint: NonNegative = unit("missiles/aimpoint")
    """Missiles a side fires at one aimpoint (a salvo to saturate point defences and cover misses)."""
    mobile_launcher_kill_per_missile: Fraction = unit("probability")
    """Probability that a missile reaching a dispersed mobile launcher (found with the side's ISR) destroys it."""
    c2_node_hits_to_disable: NonNegative = unit("penetrating missiles")
    """Penetrating missiles that put one hardened headquarters node out of action."""
    c2_reconstitution_days: NonNegative = unit("days")
    """Days a disabled headquarters needs to move to an alternate site and resume."""
    logistics_damage_per_missile: Fraction = unit("fraction of a base's capacity")
    """Share of a base's logistics capacity (fuel, munitions handling, piers) destroyed by one penetrating missile."""
    logistics_repair_days: NonNegative = unit("days")
    """Days to restore a base's logistics capacity from full destruction (linear repair)."""
    port_time_days: NonNegative = unit("days per rearm cycle")
    """Days of each rearm cycle (``naval_rearm_days`` plus the haul to port) a ship spends alongside, exposed to strikes."""
    kill_chain_hours: NonNegative = unit("hours")
    """Sensor-to-shooter time against a moving target with command and control intact."""
    c2_latency_share_in_kill_chain: Fraction = unit("fraction")
    """Share of a force's command latency (command structure) that each engagement of a moving target waits for."""
    track_decay_hours: NonNegative = unit("hours")
    """Age at which a ship's track has lost 1/e of its value for targeting (the ship has moved out of the seeker's
    basket)."""
    isr_base_detection: Fraction = unit("probability")
    """Probability of detecting and tracking a target with no dedicated ISR assets in theatre."""
    isr_units_half_gap: NonNegative = unit("ISR units")
    """ISR units that close half of the remaining gap to perfect detection."""

    # --- at sea (§3.4, §3.5) ----------------------------------------------------------------------------
    naval_transit_km_per_day: NonNegative = unit("km/day")
    """Speed of advance of ships and sealifted forces moving from their base to the theatre."""
    naval_rearm_days: NonNegative = unit("days")
    """Turnaround inside the theatre of a ship or submarine that has fired its launch cells: withdraw to the
    theatre's edge, reload alongside and return. The haul from the edge to the reloading port and back is added
    per ship from geometry (``naval_transit_km_per_day``; methodology §3.4)."""
    launcher_salvos_per_day: NonNegative = unit("salvos/day")
    """Salvos a land-based missile launcher fires per day (reload from nearby stocks)."""
    ship_missile_range_margin: NonNegative = unit("ratio")
    """Fraction of a missile's range at which it can engage ships under way (targeting losses at long range)."""
    missile_reliability: Fraction = unit("probability")
    """Launch and flight reliability of a missile (Hughes' launch reliability)."""
    interceptor_kill_probability: Fraction = unit("probability")
    """Probability that one interceptor defeats one incoming missile."""
    submarine_reference_targets_at_sea: NonNegative = unit("ships at sea")
    """Enemy ships at sea at which a submarine sinks its full ``ship_kills_per_day``; fewer targets, proportionally
    fewer kills."""
    salvo_exchanges_per_day: NonNegative = unit("raids/day")
    """Separate raids a day in which a fleet's or base's air defences engage incoming missiles (each raid meets the
    full per-salvo defence)."""
    anti_ship_overkill: NonNegative = unit("ratio")
    """Anti-ship fire per step is held to this multiple of the hits needed to disable every exposed target (after
    saturating its defences)."""
    amphibious_target_priority: NonNegative = unit("ratio")
    """How much more fire an amphibious ship draws than a warship of equal staying power (the invasion fleet is the
    objective)."""
    amphibious_time_at_sea_share: Fraction = unit("fraction")
    """Share of a landing fleet at sea at any moment (the rest loads or unloads): it sails in waves, and only the wave
    at sea can be attacked by ships, aircraft and submarines."""
    loaded_fraction: Fraction = unit("fraction")
    """Share of amphibious ships that are loaded with troops when sunk."""
    supplies_only_transfer_share: Fraction = unit("fraction of the supplier's stock")
    """Under ``supplies_only``: share of the intervening actor's stock of each munition an ally holds that is shipped
    to it."""
    supplies_only_transfer_days: NonNegative = unit("days")
    """Under ``supplies_only``: day the shipped munitions arrive."""

    # --- lodgement and land front (§3.6, §3.7) ---------------------------------------------------------
    theatre_radius_km: NonNegative = unit("km")
    """Ground forces based within this distance of the theatre's reference point fight there; others stay home."""
    amphibious_trips_per_day: NonNegative = unit("trips/day")
    """Round trips per day an amphibious ship makes across the strait or to the islands."""
    supply_tonnes_per_troop_day: NonNegative = unit("tonnes/troop/day")
    """Supply a soldier ashore consumes per day."""
    supply_tonnes_per_lift_troop: NonNegative = unit("tonnes per troop-space")
    """Cargo one troop-space of lift carries when used for supply."""
    lodgement_supply_buffer_days: NonNegative = unit("days of consumption")
    """Supply the landing force keeps ashore (and brings with each landed soldier); deliveries first refill it."""
    captured_airfield_airlift_tonnes_per_day: NonNegative = unit("tonnes/day")
    """Supply the adversary flies in once it holds every port and airfield its lodgement needs (pro rata below)."""
    out_of_supply_attrition_per_day: Fraction = unit("fraction/day")
    """Extra daily loss of combat power of forces ashore that are out of supply."""
    port_lift_gain: NonNegative = unit("ratio")
    """Extra lift throughput once the adversary holds working ports and airfields (1 = doubled)."""
    port_capture_share_start: Fraction = unit("share of the objective held")
    """Share of the objective held at which the first port or airfield falls to the adversary."""
    port_capture_share_full: Fraction = unit("share of the objective held")
    """Share of the objective held at which every port and airfield the lodgement needs is in its hands."""
    lines_damage_per_strike_weapon: Fraction = unit("fraction per effective weapon")
    """Damage to the adversary's ports, dumps and lines of communication from one land-attack weapon that hits them."""
    lines_repair_days: NonNegative = unit("days")
    """Days to repair the adversary's ports and lines of communication from full destruction."""
    lodgement_fire_share_on_lines: Fraction = unit("fraction")
    """Share of the defenders' strikes on the lodgement or front aimed at ports, dumps and lines of communication
    rather than troops."""
    ground_attrition_per_day: NonNegative = unit("fraction/day")
    """Daily loss fraction of an attacking ground force at a combat-power ratio of 1 (Dupuy's attacker casualty
    rate)."""
    defender_casualty_ratio: NonNegative = unit("ratio")
    """The defender's daily loss fraction relative to the attacker's at a combat-power ratio of 1."""
    casualty_exchange_exponent: NonNegative = unit("exponent")
    """How loss fractions respond to the combat-power ratio ρ: attacker × ρ^-e, defender × ρ^e (Helmbold's generalised
    attrition)."""
    air_superiority_ground_factor: NonNegative = unit("ratio")
    """Extra ground combat power of a side that controls the air over the battlefield: power × (1 + factor × its
    share of the counter-air sorties flown)."""
    defender_posture_factor: NonNegative = unit("ratio")
    """Combat-power multiplier of defenders in prepared positions on their own ground (Dupuy's posture and terrain
    factors)."""
    attacker_hold_posture_factor: NonNegative = unit("ratio")
    """Combat-power multiplier of the adversary's troops holding what they have taken (a hasty defence) when the
    defenders counter-attack."""
    defender_share_in_contact: Fraction = unit("fraction of defending troops")
    """Share of the defender's ground troops in theatre facing the attack when it begins (the rest hold other beaches,
    cities and lines of communication)."""
    defender_max_share_in_contact: Fraction = unit("fraction of defending troops")
    """Most of its ground troops in theatre the defender can bring against the attack (the rest hold the capital region
    and other threatened coasts or sectors)."""
    defender_concentration_days: NonNegative = unit("days")
    """Time constant with which the defender brings the rest of its ground troops to the threatened sector."""
    defender_breakpoint_fraction: Fraction = unit("fraction of peak strength lost")
    """Losses at which a defending force in contact can no longer hold prepared positions (its posture factor falls to
    1)."""
    attacker_breakpoint_fraction: Fraction = unit("fraction of peak strength lost")
    """Losses at which an attacking land offensive breaks off (denied) if it is also outmatched."""
    decisive_force_ratio: NonNegative = unit("ratio")
    """Combat-power ratio at which a front moves at tanh(1) ≈ 76% of ``advance_km_per_day`` (the 3:1 rule)."""
    advance_km_per_day: NonNegative = unit("km/day")
    """Fastest rate at which a front moves against organised resistance."""
    objective_depth_km: NonNegative = unit("km")
    """Default depth of the objective (distance from beaches or start line to the capital region) where a scenario
    gives none."""
    victory_share_held: Fraction = unit("share of the objective")
    """Share of the objective the adversary must hold to have won (its capital region taken, organised resistance
    ended)."""
    amphibious_fleet_broken_fraction: Fraction = unit("fraction of lift")
    """Below this share of its initial lift the adversary cannot bring more troops ashore."""
    lodgement_collapse_fraction: Fraction = unit("fraction of peak")
    """The invasion is defeated when the force ashore falls below this share of its peak and no more can land."""
    troops_killed_per_strike_weapon: NonNegative = unit("troops per effective weapon")
    """Troops ashore put out of action by one land-attack weapon that hits."""

    # --- outcome grading (§3.8) ---------------------------------------------------------------------------
    stalemate_projection_days: NonNegative = unit("days")
    """Horizon over which an undecided campaign's current trends are projected to grade a stalemate."""
    stalemate_ratio_margin: NonNegative = unit("ratio")
    """A stalemate trends toward the side whose projected combat-power ratio exceeds 1 by this margin."""
    trend_smoothing_days: NonNegative = unit("days")
    """Time constant of the moving averages of growth rates used for the projection."""

    # --- warning (§2) --------------------------------------------------------------------------------------
    warning_acted_on_share: Fraction = unit("fraction of warning")
    """Share of strategic warning the defenders use: they decide this far ahead of D-day (plus their decision delay)."""

    # --- blockade (§3.9) -----------------------------------------------------------------------------------
    blockade_half_closure_ships: NonNegative = unit("ships")
    """Blockading ships and submarines on station that stop half the traffic when no escorts oppose them."""
    escort_effectiveness: NonNegative = unit("blockaders per escort")
    """Blockading units one allied escort (warship at sea) neutralises."""
    quarantine_compliance: Fraction = unit("fraction")
    """At the quarantine rung, share of intercepted merchant ships that obey and turn away (none are sunk)."""
    shipping_deterrence_per_day: NonNegative = unit("1/day")
    """Daily fall of shipowners' willingness to sail per unit of risk (share of ships stopped, counted by those that
    comply at the quarantine rung)."""
    shipping_recovery_days: NonNegative = unit("days")
    """Time constant with which willingness to sail recovers when ships get through."""
    escalation_hazard_per_day: Fraction = unit("probability/day")
    """Daily probability that the adversary climbs one rung of the escalation ladder while its blockade is failing."""
    blockade_goal_throughput: Fraction = unit("share of normal imports")
    """Throughput above which the adversary judges its blockade to be failing."""
    blockade_endurance_shortfall_days: NonNegative = unit("days of lost electricity")
    """Cumulative electricity shortfall (days × share lost) after which the blockaded side capitulates."""
    blockade_broken_throughput: Fraction = unit("share of normal imports")
    """Averaged throughput at which the blockade is broken (adversary defeated)."""
    blockade_assessment_days: NonNegative = unit("days")
    """Time constant of the averaged throughput the blockade is judged by (starts from zero on day 0)."""

    # --- people -------------------------------------------------------------------------------------------
    casualties_per_aircraft_lost: NonNegative = unit("persons per aircraft")
    """Personnel casualties per aircraft lost (aircrew and ground crew at struck bases)."""
    casualty_fraction_of_crew_per_ship_lost: Fraction = unit("fraction of crew")
    """Share of a lost ship's crew counted as casualties."""

    # --- parameter uncertainty (§4) ---------------------------------------------------------------------
    stockpile_factor: NonNegative = unit("ratio")
    """Multiplier on every munition stockpile; its range is drawn once per pool in the outer loop (stocks are
    public estimates with no stated range of their own)."""
